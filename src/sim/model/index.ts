import type { Reconciler } from "../types.js";

/**
 * The simulated kubelet, scheduler and controllers, run by the API server after every change and
 * clock advance. (Filled in by the simulated-cluster model work.)
 */
export const reconcileCluster: Reconciler = () => {};
