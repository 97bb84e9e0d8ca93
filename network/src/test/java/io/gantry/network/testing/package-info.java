/** Test support: a private, self-cleaning pod network per test, and host commands that fail loudly. */
package io.gantry.network.testing;
