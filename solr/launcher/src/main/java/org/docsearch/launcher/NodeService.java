package org.docsearch.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;
import org.apache.solr.util.SolrTestNonSecureRandomProvider;

/** One Solr node (Jetty + CoreContainer) in SolrCloud mode, with its own solr home. */
final class NodeService implements Launcher.Service {

  private static final int LIVE_TIMEOUT_SECONDS = 120;

  private final String zkAddress;
  private final Path home;
  private final int port;
  private JettySolrRunner jetty;

  NodeService(String zkAddress, Path home, int port) {
    this.zkAddress = zkAddress;
    this.home = home;
    this.port = port;
  }

  @Override
  public String start() throws Exception {
    // Key generation and UUIDs must not block on an entropy-starved test machine.
    SolrTestNonSecureRandomProvider.injectProvider();
    Files.createDirectories(home.resolve("cores"));
    Path solrXml = home.resolve("solr.xml");
    if (!Files.exists(solrXml)) {
      try (var in = NodeService.class.getResourceAsStream("/solr.xml")) {
        Files.write(solrXml, in.readAllBytes());
      }
    }
    Properties props = new Properties();
    props.setProperty("zkHost", zkAddress);
    JettyConfig config =
        JettyConfig.builder()
            .setContext("/solr")
            .setPort(port)
            .stopAtShutdown(false) // the launcher's shutdown hook stops it
            .withPortRetryTime(30) // a restarted node may find its old port in TIME_WAIT
            .build();
    jetty = new JettySolrRunner(home.toString(), props, config);
    jetty.start();
    String nodeName = jetty.getNodeName();
    jetty
        .getCoreContainer()
        .getZkController()
        .getZkStateReader()
        .waitForLiveNodes(
            LIVE_TIMEOUT_SECONDS,
            TimeUnit.SECONDS,
            (oldNodes, newNodes) -> newNodes != null && newNodes.contains(nodeName));
    return "{\"url\": "
        + Launcher.quote(jetty.getBaseUrl().toString())
        + ", \"node_name\": "
        + Launcher.quote(nodeName)
        + ", \"port\": "
        + jetty.getLocalPort()
        + ", \"zk_address\": "
        + Launcher.quote(zkAddress)
        + ", \"pid\": "
        + ProcessHandle.current().pid()
        + "}\n";
  }

  @Override
  public void stop() throws Exception {
    if (jetty != null) {
      jetty.stop();
    }
  }
}
