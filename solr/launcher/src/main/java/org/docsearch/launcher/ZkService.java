package org.docsearch.launcher;

import java.nio.file.Path;
import org.apache.solr.cloud.ZkTestServer;

/** An embedded ZooKeeper on 127.0.0.1 with the {@code /solr} chroot the nodes use. */
final class ZkService implements Launcher.Service {

  private final Path dir;
  private final int port;
  private ZkTestServer server;

  ZkService(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  @Override
  public String start() throws Exception {
    server = new ZkTestServer(dir.resolve("data"), port);
    server.run(true); // creates the /solr chroot
    return "{\"zk_host\": "
        + Launcher.quote(server.getZkHost())
        + ", \"zk_address\": "
        + Launcher.quote(server.getZkAddress())
        + ", \"pid\": "
        + ProcessHandle.current().pid()
        + "}\n";
  }

  @Override
  public void stop() throws Exception {
    if (server != null) {
      server.shutdown();
    }
  }
}
