package io.gantry.controllers;

import io.gantry.controllers.cronjob.CronJobController;
import io.gantry.controllers.daemonset.DaemonSetController;
import io.gantry.controllers.deployment.DeploymentController;
import io.gantry.controllers.disruption.DisruptionController;
import io.gantry.controllers.endpoints.EndpointsController;
import io.gantry.controllers.job.JobController;
import io.gantry.controllers.node.NodeIpamController;
import io.gantry.controllers.service.LoadBalancerController;
import io.gantry.controllers.node.NodeLifecycleController;
import io.gantry.controllers.podgc.PodGcController;
import io.gantry.controllers.replicaset.ReplicaSetController;
import io.gantry.controllers.statefulset.StatefulSetController;

import java.util.List;

/** The controllers the manager runs by default. */
public final class Controllers {
    private Controllers() {
    }

    public static List<ControllerManager.ControllerFactory> all() {
        return List.of(ReplicaSetController::new, DeploymentController::new, NodeLifecycleController::new, NodeIpamController::new,
                EndpointsController::new, PodGcController::new,
                DaemonSetController::new, StatefulSetController::new, JobController::new, CronJobController::new,
                LoadBalancerController::new, DisruptionController::new);
    }
}
