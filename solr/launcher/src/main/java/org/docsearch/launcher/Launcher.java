package org.docsearch.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Starts one piece of a local SolrCloud for tests: ZooKeeper ({@code zk}) or one Solr node
 * ({@code node}), each in its own JVM so that a test can SIGKILL a single node. The process
 * writes a JSON ready file once it serves, then runs until SIGTERM.
 *
 * <pre>
 * zk   --dir DIR --ready FILE [--port N] [--parent PID]
 * node --zk HOST:PORT/solr --home DIR --ready FILE [--port N] [--parent PID]
 * </pre>
 *
 * Port 0 (the default) takes a free port; a restarted node passes its old port so that
 * ZooKeeper knows it as the same node. With {@code --parent}, the process also stops when that
 * process is gone, so a test run that dies leaves no JVM behind. Logs go to DIR/launcher.log
 * (or HOME/launcher.log).
 */
public final class Launcher {

  private Launcher() {}

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0) {
      usage("a mode is required");
    }
    String mode = argv[0];
    Map<String, String> args = options(argv);
    Path dir = Path.of(required(args, mode.equals("zk") ? "dir" : "home")).toAbsolutePath();
    Files.createDirectories(dir);
    // Set before the first logger is created: log4j2.xml in this jar reads it.
    System.setProperty("launcher.log", dir.resolve("launcher.log").toString());
    System.setProperty("solr.log.dir", dir.toString());
    Path ready = Path.of(required(args, "ready")).toAbsolutePath();
    int port = Integer.parseInt(args.getOrDefault("port", "0"));

    Service service;
    switch (mode) {
      case "zk" -> service = new ZkService(dir, port);
      case "node" -> service = new NodeService(required(args, "zk"), dir, port);
      default -> {
        usage("unknown mode " + mode);
        return;
      }
    }

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    service.stop();
                  } catch (Exception e) {
                    e.printStackTrace();
                  } finally {
                    stopped.countDown();
                  }
                },
                "launcher-stop"));
    if (args.containsKey("parent")) {
      watchParent(Long.parseLong(args.get("parent")));
    }
    try {
      String info = service.start();
      writeAtomically(ready, info);
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1);
    }
    stopped.await();
  }

  /** One process's server: started once, stopped by the shutdown hook. */
  interface Service {
    /** Starts serving; returns the ready file's JSON. */
    String start() throws Exception;

    void stop() throws Exception;
  }

  /** Exits (running the shutdown hook) once the parent process has ended. */
  private static void watchParent(long pid) {
    Thread watcher =
        new Thread(
            () -> {
              while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                  Thread.sleep(1000);
                } catch (InterruptedException e) {
                  return;
                }
              }
              System.exit(0);
            },
            "launcher-parent-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  private static Map<String, String> options(String[] argv) {
    Map<String, String> args = new HashMap<>();
    for (int i = 1; i < argv.length; i += 2) {
      if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
        usage("bad argument " + argv[i]);
      }
      args.put(argv[i].substring(2), argv[i + 1]);
    }
    return args;
  }

  private static String required(Map<String, String> args, String name) {
    String value = args.get(name);
    if (value == null) {
      usage("--" + name + " is required");
    }
    return value;
  }

  private static void usage(String problem) {
    System.err.println(
        "solr-launcher: "
            + problem
            + "\nusage: zk --dir DIR --ready FILE [--port N] [--parent PID]"
            + "\n       node --zk HOST:PORT/solr --home DIR --ready FILE [--port N] [--parent PID]");
    System.exit(2);
  }

  static void writeAtomically(Path path, String text) throws IOException {
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** A JSON string literal (the values here are URLs, paths and host names). */
  static String quote(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
