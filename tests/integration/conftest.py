import pytest

from indexer import SearchIndex, build
from indexer.settings import bundled_corpus


@pytest.fixture(scope="session")
def seed_index_root(tmp_path_factory):
    """An index of the bundled corpus, built once for the integration tests."""
    root = tmp_path_factory.mktemp("index")
    build(bundled_corpus(), root)
    return root


@pytest.fixture(scope="session")
def seed_index(seed_index_root):
    with SearchIndex(seed_index_root) as index:
        yield index
