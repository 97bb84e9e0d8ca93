package io.gantry.controllers.job;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/** The arithmetic of the Job controller, kept free of I/O so it can be tested on its own. */
public final class JobMath {
    private JobMath() {
    }

    /** How far a Job got, as counted from its pods. */
    public record Counts(int active, int succeeded, int failed) {
    }

    /**
     * Pods to add (positive) or remove (negative) for a NonIndexed Job, like Kubernetes' manageJob: never more
     * than parallelism, never more than the completions still missing; with completions unset (work queue) no new
     * pods once one succeeded.
     */
    public static int nonIndexedDiff(Integer completions, int parallelism, Counts c) {
        int want;
        if (completions == null) {
            want = c.succeeded() > 0 ? Math.min(c.active(), parallelism) : parallelism;
        } else {
            want = Math.max(0, Math.min(parallelism, completions - c.succeeded()));
        }
        return want - c.active();
    }

    /** Whether a NonIndexed Job has met its success criteria. */
    public static boolean nonIndexedComplete(Integer completions, Counts c) {
        if (completions == null) {
            return c.succeeded() > 0 && c.active() == 0;
        }
        return c.succeeded() >= completions;
    }

    /** Kubernetes' backoff check: more failed pods than backoffLimit allows. */
    public static boolean backoffLimitExceeded(int failed, int backoffLimit) {
        return failed > backoffLimit;
    }

    /**
     * The indexes an Indexed Job should start now: the lowest ones neither completed nor running, as many as
     * parallelism leaves room for.
     */
    public static List<Integer> indexesToStart(int completions, int parallelism, SortedSet<Integer> completed,
                                               SortedSet<Integer> running) {
        int room = parallelism - running.size();
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < completions && out.size() < room; i++) {
            if (!completed.contains(i) && !running.contains(i)) {
                out.add(i);
            }
        }
        return out;
    }

    /** status.completedIndexes: sorted, consecutive runs collapsed ("0-2,4"). */
    public static String formatIndexes(SortedSet<Integer> indexes) {
        StringBuilder sb = new StringBuilder();
        Integer start = null;
        Integer prev = null;
        for (int i : indexes) {
            if (prev != null && i == prev + 1) {
                prev = i;
                continue;
            }
            appendRun(sb, start, prev);
            start = i;
            prev = i;
        }
        appendRun(sb, start, prev);
        return sb.toString();
    }

    private static void appendRun(StringBuilder sb, Integer start, Integer end) {
        if (start == null) {
            return;
        }
        if (!sb.isEmpty()) {
            sb.append(',');
        }
        sb.append(start);
        if (end > start) {
            sb.append('-').append(end);
        }
    }

    /** Parses status.completedIndexes, ignoring indexes outside [0, completions) and malformed parts. */
    public static SortedSet<Integer> parseIndexes(String text, int completions) {
        SortedSet<Integer> out = new TreeSet<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String part : text.split(",")) {
            try {
                int dash = part.indexOf('-');
                int from = Integer.parseInt((dash < 0 ? part : part.substring(0, dash)).strip());
                int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1).strip());
                for (int i = Math.max(0, from); i <= to && i < completions; i++) {
                    out.add(i);
                }
            } catch (NumberFormatException e) {
                // A malformed part carries no indexes.
            }
        }
        return out;
    }
}
