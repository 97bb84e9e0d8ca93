package io.gantry.store;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The store on an external etcd cluster (v3 API through jetcd), for when the control plane must outlive
 * one machine.
 *
 * <p>It is a thin mapping because the {@link Store} contract was modelled on etcd: revision is etcd's
 * mod_revision, and every write is one transaction whose compare (create_revision == 0 for create,
 * mod_revision == expected for update and delete) makes the check-and-write atomic on the server. A failed
 * compare reads the key in the same transaction to tell "missing" from "modified" without a race.
 * Every call waits at most a bounded time so an unreachable cluster surfaces as
 * {@link StoreUnavailableException} instead of a hang. etcd does not report the compaction point on
 * demand, so {@link #compactedRevision()} is what this client has learned from its own compactions and
 * from "compacted" errors.
 */
public final class EtcdStore implements Store {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final String COMPACTED_MESSAGE = "required revision has been compacted";
    private static final String FUTURE_MESSAGE = "required revision is a future revision";

    private final Client client;
    private final KV kv;
    private final String endpoints;
    private final Duration timeout;
    private final AtomicLong compactedRevision = new AtomicLong();

    private EtcdStore(List<String> endpoints, Duration timeout) {
        this.endpoints = String.join(",", endpoints);
        this.timeout = timeout;
        this.client = Client.builder().endpoints(endpoints.toArray(String[]::new))
                .connectTimeout(timeout).build();
        this.kv = client.getKVClient();
    }

    /** Connects to etcd (endpoints like {@code http://127.0.0.1:2379}) and checks that it answers. */
    public static EtcdStore connect(List<String> endpoints) {
        return connect(endpoints, DEFAULT_TIMEOUT);
    }

    /** As {@link #connect(List)}, with the longest time any single request may take. */
    public static EtcdStore connect(List<String> endpoints, Duration requestTimeout) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no etcd endpoints");
        }
        EtcdStore store = new EtcdStore(List.copyOf(endpoints), requestTimeout);
        try {
            store.currentRevision();
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    @Override
    public long currentRevision() {
        GetResponse r = await(kv.get(bytes("/"), GetOption.builder().withCountOnly(true).build()), 0);
        return r.getHeader().getRevision();
    }

    @Override
    public Optional<KeyValue> get(String key) {
        GetResponse r = await(kv.get(bytes(key)), 0);
        return r.getKvs().isEmpty() ? Optional.empty() : Optional.of(toKeyValue(r.getKvs().getFirst()));
    }

    @Override
    public ListResult list(String prefix, long revision, String startAfter, int limit) {
        if (revision < 0 || limit < 0) {
            throw new IllegalArgumentException("negative revision or limit");
        }
        GetOption.Builder option = GetOption.builder()
                .withRange(rangeEnd(prefix))
                .withRevision(revision)
                .withSortField(GetOption.SortTarget.KEY)
                .withSortOrder(GetOption.SortOrder.ASCEND);
        if (limit > 0) {
            option.withLimit(limit);
        }
        GetResponse r = await(kv.get(ByteSequence.from(Keys.rangeStart(prefix, startAfter)), option.build()),
                revision);
        List<KeyValue> items = new ArrayList<>(r.getKvs().size());
        r.getKvs().forEach(k -> items.add(toKeyValue(k)));
        return new ListResult(List.copyOf(items), revision == 0 ? r.getHeader().getRevision() : revision,
                r.isMore());
    }

    @Override
    public long create(String key, byte[] value) {
        ByteSequence k = bytes(key);
        TxnResponse r = await(kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
                .commit(), 0);
        if (!r.isSucceeded()) {
            throw new KeyExistsException(key);
        }
        return r.getHeader().getRevision();
    }

    @Override
    public long update(String key, byte[] value, long expectedModRevision) {
        ByteSequence k = bytes(key);
        // The create_revision guard keeps expected == 0 from turning an update into a create.
        TxnResponse r = await(kv.txn()
                .If(new Cmp(k, Cmp.Op.GREATER, CmpTarget.createRevision(0)),
                        new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)))
                .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
                .Else(Op.get(k, GetOption.builder().withKeysOnly(true).build()))
                .commit(), 0);
        return revisionOrFailure(key, r);
    }

    @Override
    public long delete(String key, long expectedModRevision) {
        ByteSequence k = bytes(key);
        List<Cmp> guard = new ArrayList<>(List.of(new Cmp(k, Cmp.Op.GREATER, CmpTarget.createRevision(0))));
        if (expectedModRevision != 0) {
            guard.add(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)));
        }
        TxnResponse r = await(kv.txn()
                .If(guard.toArray(Cmp[]::new))
                .Then(Op.delete(k, DeleteOption.DEFAULT))
                .Else(Op.get(k, GetOption.builder().withKeysOnly(true).build()))
                .commit(), 0);
        return revisionOrFailure(key, r);
    }

    private static long revisionOrFailure(String key, TxnResponse r) {
        if (r.isSucceeded()) {
            return r.getHeader().getRevision();
        }
        if (r.getGetResponses().isEmpty() || r.getGetResponses().getFirst().getKvs().isEmpty()) {
            throw new KeyNotFoundException(key);
        }
        throw new ConflictException(key);
    }

    @Override
    public Watch watch(String prefix, long afterRevision, Consumer<WatchEvent> listener,
                       Consumer<Throwable> onFailure) {
        checkWatchable(prefix, afterRevision);
        EventPump pump = new EventPump("etcd-watch " + prefix, afterRevision, listener, onFailure);
        WatchOption option = WatchOption.builder()
                .withRange(rangeEnd(prefix))
                .withRevision(afterRevision + 1)
                .withPrevKV(true)
                .build();
        AtomicReference<io.etcd.jetcd.Watch.Watcher> watcher = new AtomicReference<>();
        watcher.set(client.getWatchClient().watch(bytes(prefix), option,
                response -> deliver(response, pump),
                error -> onWatchError(error, pump, watcher)));
        pump.onClose(() -> watcher.get().close());
        pump.start(null);
        return pump;
    }

    /**
     * jetcd reports transient stream errors too and then resumes the watch by itself from the last seen
     * revision, so only a compaction, or a watcher jetcd has given up on, ends the watch.
     */
    private void onWatchError(Throwable error, EventPump pump,
                              AtomicReference<io.etcd.jetcd.Watch.Watcher> watcher) {
        if (error instanceof io.etcd.jetcd.common.exception.CompactedException c) {
            compactedRevision.accumulateAndGet(c.getCompactedRevision(), Math::max);
            pump.fail(error);
            return;
        }
        // jetcd closes a watcher it will not resume right after this callback returns.
        CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(() -> {
            io.etcd.jetcd.Watch.Watcher w = watcher.get();
            if (w != null && w.isClosed()) {
                pump.fail(error);
            }
        });
    }

    /**
     * etcd reports a compacted watch start asynchronously, after the watch is created; a range read at the
     * same revision fails the same way but synchronously, so callers get the exception from {@code watch}.
     */
    private void checkWatchable(String prefix, long afterRevision) {
        try {
            await(kv.get(bytes(prefix), GetOption.builder().withRevision(afterRevision + 1)
                    .withCountOnly(true).build()), afterRevision);
        } catch (IllegalArgumentException future) {
            // Nothing after a future revision can have been compacted.
        }
    }

    private static void deliver(WatchResponse response, EventPump pump) {
        for (io.etcd.jetcd.watch.WatchEvent e : response.getEvents()) {
            io.etcd.jetcd.KeyValue current = e.getKeyValue();
            String key = Keys.string(current.getKey().getBytes());
            switch (e.getEventType()) {
                case PUT -> pump.offer(new WatchEvent(
                        current.getCreateRevision() == current.getModRevision()
                                ? WatchEvent.Type.CREATE : WatchEvent.Type.UPDATE,
                        key, current.getValue().getBytes(), current.getModRevision()));
                case DELETE -> {
                    io.etcd.jetcd.KeyValue previous = e.getPrevKV();
                    byte[] value = previous == null ? new byte[0] : previous.getValue().getBytes();
                    pump.offer(new WatchEvent(WatchEvent.Type.DELETE, key, value, current.getModRevision()));
                }
                default -> {
                    // UNRECOGNIZED: a newer server's event type we cannot represent
                }
            }
        }
    }

    @Override
    public void compact(long revision) {
        if (revision <= compactedRevision.get()) {
            return;
        }
        try {
            await(kv.compact(revision, CompactOption.builder().withCompactPhysical(true).build()), revision);
        } catch (CompactedException alreadyDone) {
            // Someone compacted at or past this revision before us; the history is gone either way.
        }
        compactedRevision.accumulateAndGet(revision, Math::max);
    }

    @Override
    public long compactedRevision() {
        return compactedRevision.get();
    }

    @Override
    public void close() {
        client.close();
    }

    private <T> T await(CompletableFuture<T> future, long requestedRevision) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw translate(e.getCause(), requestedRevision);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new StoreUnavailableException("etcd unreachable at " + endpoints + ": no answer within "
                    + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for etcd at " + endpoints, e);
        }
    }

    private RuntimeException translate(Throwable cause, long requestedRevision) {
        String message = String.valueOf(cause.getMessage());
        if (cause instanceof io.etcd.jetcd.common.exception.CompactedException c) {
            compactedRevision.accumulateAndGet(c.getCompactedRevision(), Math::max);
        }
        if (cause instanceof io.etcd.jetcd.common.exception.CompactedException
                || message.contains(COMPACTED_MESSAGE)) {
            // etcd does not say where it compacted; it is past the requested revision at least.
            long compacted = compactedRevision.accumulateAndGet(requestedRevision + 1, Math::max);
            return new CompactedException(requestedRevision, compacted);
        }
        if (message.contains(FUTURE_MESSAGE)) {
            return new IllegalArgumentException("revision " + requestedRevision + " is in the future", cause);
        }
        if (cause instanceof io.etcd.jetcd.common.exception.EtcdException e
                && e.getErrorCode() == io.etcd.jetcd.common.exception.ErrorCode.UNAVAILABLE) {
            return new StoreUnavailableException("etcd unreachable at " + endpoints + ": " + message, cause);
        }
        return new StoreUnavailableException("etcd request to " + endpoints + " failed: " + message, cause);
    }

    private static KeyValue toKeyValue(io.etcd.jetcd.KeyValue k) {
        return new KeyValue(Keys.string(k.getKey().getBytes()), k.getValue().getBytes(), k.getCreateRevision(),
                k.getModRevision());
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(Keys.utf8(s));
    }

    /** etcd's range end for a prefix; "\0" means "to the end of the keyspace". */
    private static ByteSequence rangeEnd(String prefix) {
        byte[] end = Keys.prefixEnd(Keys.utf8(prefix));
        return ByteSequence.from(end == null ? new byte[] {0} : end);
    }
}
