package io.gantry.apiserver.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The API server's own metrics in Prometheus' text format at {@code /metrics}, named after Kubernetes'
 * (apiserver_request_duration_seconds by verb, resource and code), so existing dashboards read them.
 */
public final class RequestMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public void record(String verb, String resource, int code, Duration duration) {
        Timer.builder("apiserver_request_duration_seconds")
                .tag("verb", verb).tag("resource", resource).tag("code", Integer.toString(code))
                .publishPercentileHistogram(false)
                .register(registry)
                .record(duration);
    }

    /** A value sampled when scraped, e.g. the store revision or the number of watchers. */
    public void gauge(String name, Supplier<Number> value) {
        Gauge.builder(name, value).register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }
}
