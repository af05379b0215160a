/** Headless Java2D charts of training runs, written as PNG. */
package dev.faltung.nn.plot;
