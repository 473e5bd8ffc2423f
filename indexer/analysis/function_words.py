"""Question and function words: typed in questions and pasted sentences, they say little about
what a paragraph must contain, so a ranked partial match does not count them (they still add
to a block's score where they occur)."""

from __future__ import annotations

from indexer.analysis.terms import STOP_WORDS

ENGLISH = STOP_WORDS | frozenset(
    """
    who whom whose what which when where why how whether
    does do did doing done is are was were been being has had having am
    there their theirs they them these those its it's what's how's who's
    i me my mine our ours he him his she her hers
    any some all each every many much more most few several other such same
    about into onto over under than then so also just only very too
    could would should shall might must need ought
    please tell show find give list explain describe regarding concerning
    there's here's no nor but
    """.split()
)

# Interrogatives, particles, auxiliaries, pronouns, prepositions, conjunctions and measure
# words of questions: what remains after them is what a paragraph must say.
CHINESE = frozenset(
    """
    哪 哪里 哪儿 哪次 哪个 哪些 哪种 哪年 哪天 哪位 哪家 哪项 哪一 哪一个 哪一年
    什么 什么样 什么时候 啥 谁 何 何时 何地 何处 何种 为何 为什么 如何 怎样 怎么 怎么样 怎的
    是否 是不是 有没有 能否 可否 多少 几 几个 几次 几年 多久 多大 多长
    吗 呢 吧 啊 呀 嘛 么 哦
    的 地 得 之 了 着 过 所
    是 为 由 在 有 被 把 将 对 于 与 和 及 或 以 从 向 给 跟 同 而 并 且 即 及其
    这 那 这个 那个 这些 那些 这里 那里 其 其中 它 它们 他 他们 她 我 我们 你 您
    也 都 就 还 又 再 才 曾 已 已经 会 能 可 可以 要 该 应 应该 需要 到底 究竟
    请 请问 关于 对于 一下 一些 一个 哪怕 第 次 上 所有 是否是 见 参见 详见
    """.split()
)


def is_function_word(word: str) -> bool:
    """True for a question or function word (folded English, or Chinese)."""
    return word in ENGLISH or word in CHINESE
