package io.gantry.apiserver;

import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.api.schema.TypeGraph;
import io.gantry.api.schema.UnknownFields;
import io.gantry.apiserver.allocation.ServiceAllocators;
import io.gantry.apiserver.discovery.BuildInfo;
import io.gantry.apiserver.discovery.Discovery;
import io.gantry.apiserver.http.ApiHandler;
import io.gantry.apiserver.join.JoinHandler;
import io.gantry.apiserver.http.RequestMetrics;
import io.gantry.apiserver.http.ResourceHandler;
import io.gantry.apiserver.lifecycle.CacheNamespaceLookup;
import io.gantry.apiserver.lifecycle.Compactor;
import io.gantry.apiserver.lifecycle.EventExpiry;
import io.gantry.apiserver.lifecycle.GarbageCollector;
import io.gantry.apiserver.lifecycle.NamespaceController;
import io.gantry.apiserver.openapi.OpenApiV3;
import io.gantry.apiserver.rest.ObjectService;
import io.gantry.apiserver.rest.ResourceStrategy;
import io.gantry.apiserver.security.ClusterCredentials;
import io.gantry.apiserver.security.TlsContexts;
import io.gantry.apiserver.security.TokenAuthenticator;
import io.gantry.apiserver.storage.ObjectStorage;
import io.gantry.apiserver.strategy.JobStrategy;
import io.gantry.apiserver.strategy.NamespaceStrategy;
import io.gantry.apiserver.strategy.NodeStrategy;
import io.gantry.apiserver.strategy.PodStrategy;
import io.gantry.apiserver.strategy.SecretStrategy;
import io.gantry.apiserver.strategy.ServiceStrategy;
import io.gantry.apiserver.nodes.NodeConnections;
import io.gantry.apiserver.subresources.Subresources;
import io.gantry.apiserver.watch.WatchCaches;
import io.gantry.store.EtcdStore;
import io.gantry.store.SqliteStore;
import io.gantry.store.Store;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The control plane's API server, assembled: store, watch caches, REST semantics, the API machinery's own
 * controllers (garbage collector, namespace lifecycle, compaction) and the HTTPS listener.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final ServerConfig config;
    private final ClusterCredentials credentials;
    private final Store store;
    private final WatchCaches caches;
    private final ObjectService service;
    private final Subresources subresources;
    private final NodeConnections nodeConnections;
    private final GarbageCollector garbageCollector;
    private final NamespaceController namespaceController;
    private final Compactor compactor;
    private final EventExpiry eventExpiry;
    private final Server http;
    private volatile boolean ready;

    private ApiServer(ServerConfig config) {
        this.config = config;
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new StartupException("data directory " + config.dataDir() + " is not writable: " + e.getMessage());
        }
        if (!Files.isWritable(config.dataDir())) {
            throw new StartupException("data directory " + config.dataDir() + " is not writable");
        }
        this.credentials = ClusterCredentials.loadOrCreate(config.dataDir(), config.extraSans());
        this.store = openStore(config);
        ResourceRegistry registry = ResourceRegistry.builtIn();
        this.caches = new WatchCaches(registry, store);
        ObjectStorage storage = new ObjectStorage(store, caches);
        ResourceType serviceType = registry.byKind("v1", "Service").orElseThrow();
        ResourceType namespaceType = registry.byKind("v1", "Namespace").orElseThrow();
        ServiceAllocators allocators = new ServiceAllocators(serviceType, config.serviceCidr(), config.nodePortMin(),
                config.nodePortMax());
        Map<String, ResourceStrategy> strategies = Map.of(
                "v1/Pod", new PodStrategy(config.tolerations()),
                "v1/Service", new ServiceStrategy(allocators),
                "v1/Namespace", new NamespaceStrategy(),
                "v1/Secret", new SecretStrategy(),
                "v1/Node", new NodeStrategy(),
                "batch/v1/Job", new JobStrategy());
        TypeGraph types = TypeGraph.of(registry);
        caches.start();
        allocators.restore(caches.get(serviceType).snapshot());
        this.service = new ObjectService(registry, storage, strategies,
                new CacheNamespaceLookup(namespaceType, caches.get(namespaceType), storage), new UnknownFields(types));
        this.nodeConnections = new NodeConnections(credentials);
        this.subresources = new Subresources(service, nodeConnections);
        Bootstrap.run(service, allocators, config.port() == 0 ? 6443 : config.port());
        this.garbageCollector = new GarbageCollector(service, caches);
        this.namespaceController = new NamespaceController(service, caches);
        this.compactor = new Compactor(store);
        this.eventExpiry = new EventExpiry(service, caches, config.eventTtl(), java.time.Clock.systemUTC());
        ApiHandler handler = new ApiHandler(new TokenAuthenticator(credentials),
                new Discovery(registry, BuildInfo.gantry("", Instant.now())),
                new OpenApiV3(registry, types, "v1.32.0-gantry"),
                new ResourceHandler(service, subresources, caches), () -> ready, metrics(store, caches),
                new JoinHandler(credentials));
        this.http = httpServer(handler);
    }

    private static RequestMetrics metrics(Store store, WatchCaches caches) {
        RequestMetrics metrics = new RequestMetrics();
        metrics.gauge("gantry_store_revision", store::currentRevision);
        metrics.gauge("apiserver_registered_watchers", caches::watcherCount);
        return metrics;
    }

    /** Starts everything; returns when the API is being served. */
    public static ApiServer start(ServerConfig config) {
        ApiServer server = new ApiServer(config);
        try {
            server.garbageCollector.begin();
            server.namespaceController.begin();
            server.compactor.begin();
            server.eventExpiry.begin();
            server.http.start();
            server.ready = true;
            LOG.info("API server listening on https://{}:{}", config.bindAddress(), server.port());
            return server;
        } catch (Exception e) {
            server.close();
            if (e instanceof IOException && (e.getCause() instanceof BindException || e instanceof BindException
                    || String.valueOf(e.getMessage()).contains("Failed to bind"))) {
                throw new StartupException("port " + config.port() + " is already in use (" + e.getMessage() + ")");
            }
            throw new StartupException("could not start the API server: " + e.getMessage());
        }
    }

    private static Store openStore(ServerConfig config) {
        return switch (config.store()) {
            case "sqlite" -> SqliteStore.open(config.dataDir().resolve("store.db"));
            case "etcd" -> {
                if (config.etcdEndpoints().isEmpty()) {
                    throw new StartupException("--store etcd needs --etcd-endpoints");
                }
                try {
                    Store etcd = EtcdStore.connect(config.etcdEndpoints());
                    etcd.currentRevision();
                    yield etcd;
                } catch (RuntimeException e) {
                    throw new StartupException("etcd unreachable at " + String.join(",", config.etcdEndpoints())
                            + ": " + e.getMessage());
                }
            }
            default -> throw new StartupException("unknown store \"" + config.store() + "\" (use sqlite or etcd)");
        };
    }

    private Server httpServer(ApiHandler handler) {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("apiserver");
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Server server = new Server(threads);
        HttpConfiguration httpConfig = new HttpConfiguration();
        httpConfig.setSendServerVersion(false);
        httpConfig.setSendDateHeader(true);
        HttpConfiguration httpsConfig = new HttpConfiguration(httpConfig);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Clients reach the server by IP as often as by name; the SANs are what matters, not SNI.
        secure.setSniHostCheck(false);
        httpsConfig.addCustomizer(secure);
        ServerConnector https = new ServerConnector(server,
                new SslConnectionFactory(TlsContexts.server(credentials), HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(httpsConfig));
        https.setHost(config.bindAddress());
        https.setPort(config.port());
        https.setIdleTimeout(3_600_000);
        server.addConnector(https);
        if (config.insecurePort() >= 0) {
            ServerConnector plain = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
            plain.setHost("127.0.0.1");
            plain.setPort(config.insecurePort());
            server.addConnector(plain);
        }
        // exec streams are WebSockets: the upgrade handler makes them possible, ApiHandler decides which
        org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler websockets =
                org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler.from(server);
        websockets.setHandler(handler);
        server.setHandler(websockets);
        server.setStopTimeout(2000);
        return server;
    }

    public int port() {
        return ((ServerConnector) http.getConnectors()[0]).getLocalPort();
    }

    /** The plain-HTTP port on loopback, or -1 when there is none. */
    public int insecurePort() {
        return http.getConnectors().length > 1 ? ((ServerConnector) http.getConnectors()[1]).getLocalPort() : -1;
    }

    public ServerConfig config() {
        return config;
    }

    public ClusterCredentials credentials() {
        return credentials;
    }

    public ObjectService service() {
        return service;
    }

    /** The subresources (binding, eviction, ...), for in-process clients. */
    public Subresources subresources() {
        return subresources;
    }

    /** The watch caches, for in-process clients. */
    public WatchCaches caches() {
        return caches;
    }

    public void join() throws InterruptedException {
        http.join();
    }

    @Override
    public void close() {
        ready = false;
        try {
            http.stop();
        } catch (Exception e) {
            LOG.debug("stopping HTTP", e);
        }
        nodeConnections.close();
        garbageCollector.close();
        namespaceController.close();
        compactor.close();
        eventExpiry.close();
        caches.close();
        store.close();
    }

    /** A start-up failure with a message meant for the user. */
    public static final class StartupException extends RuntimeException {
        public StartupException(String message) {
            super(message);
        }
    }
}
