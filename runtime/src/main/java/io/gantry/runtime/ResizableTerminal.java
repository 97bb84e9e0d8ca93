package io.gantry.runtime;

import java.io.IOException;

/** Something on a terminal whose size the client sets: an exec on a terminal, or an attach to one. */
public interface ResizableTerminal {

    /** Tells the programs on the terminal that it is now {@code columns} wide and {@code rows} high. */
    void resize(int columns, int rows) throws IOException;
}
