/**
 * The Redis gate: one atomic Lua call per purchase (reserve, confirm, release, repair), its keys,
 * the warm-up that loads a sale into it, the local sold-out flags and the change broadcasts between
 * instances, the stock gauges. With the {@code buyer} interface at admission's root, the only part
 * of admission other modules may use.
 */
@org.springframework.modulith.NamedInterface("gate")
package io.flashsale.admission.gate;
