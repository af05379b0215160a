/** Loss functions (cross-entropy, NLL, MSE, RMSE, binary cross-entropy on logits) with mean reduction. */
package dev.faltung.nn.loss;
