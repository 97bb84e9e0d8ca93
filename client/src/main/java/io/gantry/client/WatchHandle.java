package io.gantry.client;

/** A running watch; closing it ends the stream. */
public interface WatchHandle extends AutoCloseable {
    @Override
    void close();

    boolean isClosed();
}
