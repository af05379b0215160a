package dev.faltung.nn.data;

/** A dataset's training and test parts, which share image shape and class names. */
public record TrainTest(LabelledImages train, LabelledImages test) {
}
