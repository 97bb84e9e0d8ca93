/** The scheduler: filters and scores nodes for each pending pod and binds it through pods/binding. */
package io.gantry.scheduler;
