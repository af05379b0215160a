package dev.faltung.nn.data;

import java.util.SplittableRandom;

/**
 * PCA colour augmentation (Krizhevsky, Sutskever and Hinton 2012, §4.1): with p_i, λ_i the
 * eigenvectors and eigenvalues of the 3x3 covariance of RGB pixel values over the training set,
 * every pixel of an image gets the same offset Σ_i p_i · α_i λ_i with α_i ~ N(0, σ²), σ = 0.1 in
 * the paper. This shifts colours along the directions natural images actually vary in.
 */
public record PcaColour(double[][] eigenvectors, double[] eigenvalues, double sigma) implements Augmentation {

    /** Fits the RGB covariance of a 3-channel dataset and returns the augmentation with spread {@code sigma}. */
    public static PcaColour fit(LabelledImages data, double sigma) {
        if (data.channels() != 3) {
            throw new IllegalArgumentException("PcaColour.fit: needs RGB images, got " + data.channels() + " channels");
        }
        int hw = data.height() * data.width();
        float[] px = new float[3 * hw];
        double[] mean = new double[3];
        double[][] cov = new double[3][3];
        long count = (long) data.size() * hw;
        for (int n = 0; n < data.size(); n++) {
            data.copyImage(n, px, 0);
            int o = 0;
            for (int i = 0; i < hw; i++) {
                for (int a = 0; a < 3; a++) mean[a] += px[o + a * hw + i];
            }
        }
        for (int a = 0; a < 3; a++) mean[a] /= Math.max(1, count);
        for (int n = 0; n < data.size(); n++) {
            data.copyImage(n, px, 0);
            int o = 0;
            for (int i = 0; i < hw; i++) {
                for (int a = 0; a < 3; a++) {
                    double da = px[o + a * hw + i] - mean[a];
                    for (int b = a; b < 3; b++) cov[a][b] += da * (px[o + b * hw + i] - mean[b]);
                }
            }
        }
        for (int a = 0; a < 3; a++) {
            for (int b = a; b < 3; b++) {
                cov[a][b] /= Math.max(1, count - 1);
                cov[b][a] = cov[a][b];
            }
        }
        double[][] vectors = new double[3][3];
        double[] values = symmetricEigen(cov, vectors);
        return new PcaColour(vectors, values, sigma);
    }

    @Override
    public void apply(float[] image, int channels, int height, int width, SplittableRandom rng) {
        if (channels != 3) {
            throw new IllegalArgumentException("PcaColour.apply: needs 3 channels, got " + channels);
        }
        double[] shift = new double[3];
        for (int i = 0; i < 3; i++) {
            double alpha = sigma * rng.nextGaussian();
            for (int a = 0; a < 3; a++) shift[a] += eigenvectors[a][i] * alpha * eigenvalues[i];
        }
        int hw = height * width;
        for (int a = 0; a < 3; a++) {
            float s = (float) shift[a];
            for (int i = 0; i < hw; i++) image[a * hw + i] += s;
        }
    }

    /**
     * Eigen-decomposition of a symmetric 3x3 matrix by cyclic Jacobi rotations: returns the
     * eigenvalues and fills {@code vectors} with the eigenvectors as columns (A V = V Λ).
     */
    static double[] symmetricEigen(double[][] matrix, double[][] vectors) {
        double[][] a = new double[3][];
        for (int i = 0; i < 3; i++) {
            a[i] = matrix[i].clone();
            vectors[i] = new double[3];
            vectors[i][i] = 1;
        }
        for (int sweep = 0; sweep < 50; sweep++) {
            double off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2];
            if (off < 1e-30) break;
            for (int p = 0; p < 2; p++) {
                for (int q = p + 1; q < 3; q++) {
                    if (a[p][q] == 0) continue;
                    // Rotation angle that zeroes a[p][q]: tan 2θ = 2 a_pq / (a_qq - a_pp).
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < 3; k++) { // A ← A J (columns p, q)
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < 3; k++) { // A ← Jᵀ A (rows p, q)
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < 3; k++) { // V ← V J
                        double vkp = vectors[k][p];
                        double vkq = vectors[k][q];
                        vectors[k][p] = c * vkp - s * vkq;
                        vectors[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        return new double[] {a[0][0], a[1][1], a[2][2]};
    }
}
