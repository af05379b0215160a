package dev.faltung.kernel;

/** Element-wise functions of two arguments, applied with NumPy broadcasting. */
public enum BinaryOp {
    /** a+b */ ADD,
    /** a-b */ SUB,
    /** a*b */ MUL,
    /** a/b */ DIV,
    /** a^b */ POW,
    /** max(a,b) (NaN propagates) */ MAX,
    /** min(a,b) (NaN propagates) */ MIN,
    /** a > b ? 1 : 0 */ GREATER,
    /** a == b ? 1 : 0 */ EQUAL
}
