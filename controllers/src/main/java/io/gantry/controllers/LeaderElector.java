package io.gantry.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.client.ApiClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Leader election over a coordination.k8s.io/v1 Lease, like client-go's leaderelection: the holder renews
 * spec.renewTime every retry period; others take the Lease over when they have not seen it change for
 * leaseDurationSeconds (by their own clock, so clock skew between candidates does not matter). A leader that
 * cannot renew within the renew deadline, or finds another holder, steps down.
 */
public final class LeaderElector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElector.class);

    /** Told when this candidate starts and stops leading. */
    public interface Callbacks {
        void startedLeading();

        void stoppedLeading();
    }

    private final ApiClient client;
    private final String namespace;
    private final String name;
    private final String identity;
    private final Duration leaseDuration;
    private final Duration renewDeadline;
    private final Duration retryPeriod;
    private final Clock clock;
    private final Callbacks callbacks;
    private volatile boolean running = true;
    private boolean leading;
    private Instant lastRenew;
    private String observedRecord;
    private Instant observedAt;
    private Thread thread;

    public LeaderElector(ApiClient client, String namespace, String name, ControllerManagerConfig config, Clock clock,
                         Callbacks callbacks) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.identity = config.identity();
        this.leaseDuration = config.leaseDuration();
        this.renewDeadline = config.renewDeadline();
        this.retryPeriod = config.retryPeriod();
        this.clock = clock;
        this.callbacks = callbacks;
    }

    public LeaderElector start() {
        thread = Thread.ofVirtual().name("leader-election " + name).start(this::run);
        return this;
    }

    public synchronized boolean isLeader() {
        return leading;
    }

    private void run() {
        while (running) {
            boolean renewed;
            try {
                renewed = tryAcquireOrRenew();
            } catch (ApiException e) {
                LOG.debug("lease {}/{}: {}", namespace, name, e.getMessage());
                renewed = false;
            } catch (RuntimeException e) {
                LOG.warn("lease {}/{}: {}", namespace, name, e.toString());
                renewed = false;
            }
            update(renewed);
            try {
                Thread.sleep(retryPeriod);
            } catch (InterruptedException e) {
                break;
            }
        }
        synchronized (this) {
            if (leading) {
                leading = false;
                callbacks.stoppedLeading();
            }
        }
    }

    private synchronized void update(boolean renewed) {
        Instant now = clock.instant();
        if (renewed) {
            lastRenew = now;
            if (!leading) {
                leading = true;
                LOG.info("{} became leader of {}/{}", identity, namespace, name);
                callbacks.startedLeading();
            }
        } else if (leading && (lastRenew == null || Duration.between(lastRenew, now).compareTo(renewDeadline) > 0
                || heldByOther())) {
            leading = false;
            LOG.info("{} lost leadership of {}/{}", identity, namespace, name);
            callbacks.stoppedLeading();
        }
    }

    private boolean otherHolder;

    private boolean heldByOther() {
        return otherHolder;
    }

    /** One round: true when this candidate holds the Lease afterwards. */
    private boolean tryAcquireOrRenew() {
        Instant now = clock.instant();
        String nowText = Meta.microTime(now);
        var existing = client.find(SharedInformers.LEASES, namespace, name);
        if (existing.isEmpty()) {
            ObjectNode lease = Json.object().put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
            lease.putObject("metadata").put("name", name).put("namespace", namespace);
            lease.putObject("spec").put("holderIdentity", identity)
                    .put("leaseDurationSeconds", leaseDuration.toSeconds())
                    .put("acquireTime", nowText).put("renewTime", nowText).put("leaseTransitions", 0);
            client.create(SharedInformers.LEASES, namespace, lease);
            otherHolder = false;
            return true;
        }
        ObjectNode lease = existing.get();
        JsonNode spec = lease.path("spec");
        String holder = spec.path("holderIdentity").asText("");
        String record = holder + "|" + spec.path("renewTime").asText("");
        if (!Objects.equals(record, observedRecord)) {
            observedRecord = record;
            observedAt = now;
        }
        boolean mine = identity.equals(holder);
        Duration held = Duration.ofSeconds(spec.path("leaseDurationSeconds").asLong(leaseDuration.toSeconds()));
        boolean expired = holder.isEmpty() || !observedAt.plus(held).isAfter(now);
        if (!mine && !expired) {
            otherHolder = true;
            return false;
        }
        ObjectNode next = lease.deepCopy();
        ObjectNode nextSpec = next.with("spec");
        if (!mine) {
            nextSpec.put("acquireTime", nowText)
                    .put("leaseTransitions", spec.path("leaseTransitions").asInt(0) + 1);
        }
        nextSpec.put("holderIdentity", identity).put("leaseDurationSeconds", leaseDuration.toSeconds())
                .put("renewTime", nowText);
        // A 409 here means another candidate wrote first: it is the holder this round.
        client.update(SharedInformers.LEASES, next);
        otherHolder = false;
        observedRecord = identity + "|" + nowText;
        observedAt = now;
        return true;
    }

    /** Stops campaigning; a leader gives the Lease up by clearing holderIdentity so others need not wait. */
    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            client.find(SharedInformers.LEASES, namespace, name).ifPresent(lease -> {
                if (identity.equals(lease.path("spec").path("holderIdentity").asText())) {
                    ObjectNode released = lease.deepCopy();
                    released.with("spec").put("holderIdentity", "").put("leaseDurationSeconds", 1);
                    client.update(SharedInformers.LEASES, released);
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("releasing lease: {}", e.toString());
        }
    }
}
