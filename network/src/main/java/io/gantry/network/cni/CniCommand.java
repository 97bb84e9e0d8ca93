package io.gantry.network.cni;

/** The CNI operations this runtime issues, as passed in CNI_COMMAND. */
public enum CniCommand {
    ADD, DEL, CHECK, VERSION
}
