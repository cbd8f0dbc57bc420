/**
 * The original system's endpoints ({@code /flashsale/**}) and its answer dialect, mapped onto the
 * purchase process.
 */
package io.flashsale.admission.legacy;
