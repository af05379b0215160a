/**
 * Optimizers with PyTorch's update rules, post-step constraints, gradient clipping and
 * learning-rate schedules.
 */
package dev.faltung.nn.optim;
