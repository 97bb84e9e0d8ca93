/** The controller manager: level-triggered controllers that turn workloads into pods and keep nodes and endpoints current. */
package io.gantry.controllers;
