/**
 * Names of the metrics the autoscaler reads from /metrics (through the Prometheus adapter).
 * The exporter (libs/rate-limit) and the deployment files (deploy/k8s) both use these, and a
 * test checks the manifests against them, so a rename cannot silently break autoscaling.
 */

/** Gauge 0..1: share of the last interval the event loop was busy (ELU). The HPA's primary signal. */
export const METRIC_EVENT_LOOP_UTILIZATION = 'nodejs_eventloop_utilization_ratio';

/** Gauge: HTTP requests being processed right now by this process (labels: route class). */
export const METRIC_HTTP_REQUESTS_IN_FLIGHT = 'http_requests_in_flight';

/** The metrics a HorizontalPodAutoscaler may scale on. */
export const AUTOSCALING_METRICS = [
  METRIC_EVENT_LOOP_UTILIZATION,
  METRIC_HTTP_REQUESTS_IN_FLIGHT,
] as const;
