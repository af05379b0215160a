/** Classic CNN architectures built by name ({@link dev.faltung.nn.zoo.Models}). */
package dev.faltung.nn.zoo;
