package io.gantry.network.cni;

import java.util.Optional;

/** A route a plugin installed in the container; an empty gateway means the plugin's default one. */
public record CniRoute(String dst, Optional<String> gw) { }
