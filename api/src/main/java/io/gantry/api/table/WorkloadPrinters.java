package io.gantry.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.ApiException;
import io.gantry.api.selector.LabelSelector;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.gantry.api.table.Cells.NONE;
import static io.gantry.api.table.Cells.age;
import static io.gantry.api.table.Cells.name;
import static io.gantry.api.table.Cells.number;
import static io.gantry.api.table.Cells.text;
import static io.gantry.api.table.ColumnDefinition.ageColumn;
import static io.gantry.api.table.ColumnDefinition.integer;
import static io.gantry.api.table.ColumnDefinition.nameColumn;
import static io.gantry.api.table.ColumnDefinition.string;

/** Printers for apps/v1 and batch/v1 kinds. */
final class WorkloadPrinters {
    private static final ColumnDefinition CONTAINERS =
            string("Containers", "Names of each container in the template.").wide();
    private static final ColumnDefinition IMAGES =
            string("Images", "Images referenced by each container in the template.").wide();
    private static final ColumnDefinition SELECTOR =
            string("Selector", "A label query over pods that should match the replica count.").wide();

    private WorkloadPrinters() {
    }

    private static void addTemplate(List<Object> cells, JsonNode podSpec) {
        cells.addAll(Cells.containers(podSpec));
    }

    static TableConvertor deployment() {
        return new Convertor(List.of(nameColumn(),
                string("Ready", "Number of the pod with ready state"),
                string("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the "
                        + "desired template spec."),
                string("Available", "Total number of available pods (ready for at least minReadySeconds) targeted "
                        + "by this deployment."),
                ageColumn(), CONTAINERS, IMAGES, SELECTOR),
                (o, now) -> {
                    JsonNode spec = o.path("spec");
                    JsonNode status = o.path("status");
                    String selector;
                    try {
                        selector = LabelSelector.fromJson(spec.path("selector")).toString();
                    } catch (ApiException e) {
                        selector = "<invalid>";
                    }
                    List<Object> cells = new ArrayList<>();
                    cells.add(name(o));
                    cells.add(number(status.path("readyReplicas")) + "/" + number(spec.path("replicas")));
                    cells.add(number(status.path("updatedReplicas")));
                    cells.add(number(status.path("availableReplicas")));
                    cells.add(age(o, now));
                    addTemplate(cells, spec.path("template").path("spec"));
                    cells.add(selector);
                    return cells;
                });
    }

    static TableConvertor replicaSet() {
        return new Convertor(List.of(nameColumn(),
                integer("Desired", "Replicas is the number of desired pods."),
                integer("Current", "Replicas is the most recently observed number of replicas."),
                integer("Ready", "The number of pods targeted by this ReplicaSet with a Ready Condition."),
                ageColumn(), CONTAINERS, IMAGES, SELECTOR),
                (o, now) -> {
                    JsonNode spec = o.path("spec");
                    JsonNode status = o.path("status");
                    List<Object> cells = new ArrayList<>();
                    cells.add(name(o));
                    cells.add(number(spec.path("replicas")));
                    cells.add(number(status.path("replicas")));
                    cells.add(number(status.path("readyReplicas")));
                    cells.add(age(o, now));
                    addTemplate(cells, spec.path("template").path("spec"));
                    cells.add(Cells.labelSelector(spec.path("selector")));
                    return cells;
                });
    }

    static TableConvertor statefulSet() {
        return new Convertor(List.of(nameColumn(),
                string("Ready", "Number of the pod with ready state"), ageColumn(), CONTAINERS, IMAGES),
                (o, now) -> {
                    JsonNode spec = o.path("spec");
                    List<Object> cells = new ArrayList<>();
                    cells.add(name(o));
                    cells.add(number(o.path("status").path("readyReplicas")) + "/" + number(spec.path("replicas")));
                    cells.add(age(o, now));
                    addTemplate(cells, spec.path("template").path("spec"));
                    return cells;
                });
    }

    static TableConvertor daemonSet() {
        return new Convertor(List.of(nameColumn(),
                integer("Desired", "The total number of nodes that should be running the daemon pod."),
                integer("Current", "The number of nodes that are running at least 1 daemon pod and are supposed "
                        + "to run the daemon pod."),
                integer("Ready", "The number of nodes that should be running the daemon pod and have one or more "
                        + "of the daemon pod running with a Ready Condition."),
                integer("Up-to-date", "The total number of nodes that are running updated daemon pod"),
                integer("Available", "The number of nodes that should be running the daemon pod and have one or "
                        + "more of the daemon pod running and available."),
                string("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node."),
                ageColumn(), CONTAINERS, IMAGES, SELECTOR),
                (o, now) -> {
                    JsonNode spec = o.path("spec");
                    JsonNode status = o.path("status");
                    JsonNode podSpec = spec.path("template").path("spec");
                    List<Object> cells = new ArrayList<>();
                    cells.add(name(o));
                    cells.add(number(status.path("desiredNumberScheduled")));
                    cells.add(number(status.path("currentNumberScheduled")));
                    cells.add(number(status.path("numberReady")));
                    cells.add(number(status.path("updatedNumberScheduled")));
                    cells.add(number(status.path("numberAvailable")));
                    cells.add(Cells.labels(podSpec.path("nodeSelector")));
                    cells.add(age(o, now));
                    addTemplate(cells, podSpec);
                    cells.add(Cells.labelSelector(spec.path("selector")));
                    return cells;
                });
    }

    static TableConvertor controllerRevision() {
        return new Convertor(List.of(nameColumn(),
                string("Controller", "Controller of the object"),
                string("Revision", "Revision indicates the revision of the state represented by Data."),
                ageColumn()),
                (o, now) -> {
                    String controller = NONE;
                    for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
                        if (ref.path("controller").asBoolean(false)) {
                            String apiVersion = text(ref.path("apiVersion"));
                            String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
                            String kind = text(ref.path("kind"));
                            String groupKind = group.isEmpty() ? kind : kind + "." + group;
                            controller = groupKind.isEmpty() ? text(ref.path("name"))
                                    : groupKind.toLowerCase(Locale.ROOT) + "/" + text(ref.path("name"));
                            break;
                        }
                    }
                    return List.of(name(o), controller, number(o.path("revision")), age(o, now));
                });
    }

    private static boolean jobCondition(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) {
            if (type.equals(text(c.path("type")))) {
                return "True".equals(text(c.path("status")));
            }
        }
        return false;
    }

    static TableConvertor job() {
        return new Convertor(List.of(nameColumn(),
                string("Status", "Status of the job."),
                string("Completions", "The number of pods which reached phase Succeeded."),
                string("Duration", "Time required to complete the job."),
                ageColumn(), CONTAINERS, IMAGES, SELECTOR),
                (o, now) -> {
                    JsonNode spec = o.path("spec");
                    JsonNode status = o.path("status");
                    long succeeded = number(status.path("succeeded"));
                    String completions;
                    if (spec.path("completions").isNumber()) {
                        completions = succeeded + "/" + spec.path("completions").asLong();
                    } else {
                        long parallelism = number(spec.path("parallelism"));
                        completions = parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
                    }
                    Instant start = Cells.instant(status.path("startTime"));
                    Instant completion = Cells.instant(status.path("completionTime"));
                    String duration = start == null ? ""
                            : Durations.humanAge(Duration.between(start, completion == null ? now : completion));
                    String state;
                    if (jobCondition(status, "Complete")) {
                        state = "Complete";
                    } else if (jobCondition(status, "Failed")) {
                        state = "Failed";
                    } else if (Cells.deleting(o)) {
                        state = "Terminating";
                    } else if (jobCondition(status, "Suspended")) {
                        state = "Suspended";
                    } else if (jobCondition(status, "FailureTarget")) {
                        state = "FailureTarget";
                    } else {
                        state = "Running";
                    }
                    List<Object> cells = new ArrayList<>();
                    cells.add(name(o));
                    cells.add(state);
                    cells.add(completions);
                    cells.add(duration);
                    cells.add(age(o, now));
                    addTemplate(cells, spec.path("template").path("spec"));
                    cells.add(Cells.labelSelector(spec.path("selector")));
                    return cells;
                });
    }

    static TableConvertor cronJob() {
        return new Convertor(List.of(nameColumn(),
                string("Schedule", "The schedule in Cron format."),
                string("Timezone", "The time zone name for the given schedule."),
                ColumnDefinition.bool("Suspend", "This flag tells the controller to suspend subsequent executions."),
                integer("Active", "A list of pointers to currently running jobs."),
                string("Last Schedule", "Information when was the last time the job was successfully scheduled."),
                ageColumn(), CONTAINERS, IMAGES, SELECTOR),
                (o, now) -> {
                    JsonNode spec = o.path("spec");
                    JsonNode status = o.path("status");
                    JsonNode jobSpec = spec.path("jobTemplate").path("spec");
                    JsonNode suspend = spec.path("suspend");
                    List<Object> cells = new ArrayList<>();
                    cells.add(name(o));
                    cells.add(text(spec.path("schedule")));
                    cells.add(spec.path("timeZone").isTextual() ? spec.path("timeZone").asText() : NONE);
                    cells.add(suspend.isBoolean() ? Cells.bool(suspend.booleanValue()) : Cells.UNSET);
                    cells.add((long) status.path("active").size());
                    cells.add(Cells.instant(status.path("lastScheduleTime")) == null ? NONE
                            : Cells.since(status.path("lastScheduleTime"), now));
                    cells.add(age(o, now));
                    addTemplate(cells, jobSpec.path("template").path("spec"));
                    cells.add(Cells.labelSelector(jobSpec.path("selector")));
                    return cells;
                });
    }
}
