package dev.faltung.kernel;

/**
 * Element-wise functions of one argument. Some take a scalar parameter {@code alpha}; the
 * others ignore it. The formulas are the contract every backend implements.
 */
public enum UnaryOp {
    /** -x */ NEG,
    /** |x| */ ABS,
    /** e^x */ EXP,
    /** ln x */ LOG,
    /** sqrt(x) */ SQRT,
    /** x*x */ SQUARE,
    /** 1/x */ RECIPROCAL,
    /** tanh x */ TANH,
    /** 1/(1+e^-x), computed without overflow for either sign */ SIGMOID,
    /** max(x, 0) */ RELU,
    /** x > 0 ? x : alpha*x */ LEAKY_RELU,
    /** x > 0 ? x : alpha*(e^x - 1) */ ELU,
    /** ln(1+e^x), computed without overflow */ SOFTPLUS,
    /** x^alpha */ POW,
    /** alpha*x */ SCALE,
    /** x + alpha */ ADD_SCALAR,
    /** max(x, alpha) (NaN propagates) */ MAX_SCALAR,
    /** min(x, alpha) (NaN propagates) */ MIN_SCALAR,
    /** x > alpha ? 1 : 0 */ GREATER_SCALAR,
    /** -1, 0 or 1 */ SIGN
}
