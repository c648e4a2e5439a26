package io.uraid.perf.bench;

import io.uraid.perf.HumanReport;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;

/**
 * Draws a bench as a PNG with Java2D (headless): on the left the latency percentile curves of
 * each target (all rounds merged; x from p0 to p99.99 on the usual "nines" scale, y in
 * microseconds on a log scale), on the right IOPS over time, one line per round.
 */
public final class Plot {
    private static final int W = 1200;
    private static final int H = 520;
    private static final int PAD = 70;
    private static final double MAX_NINES = 4; // p99.99

    private Plot() {
    }

    public static Color color(String label) {
        switch (label) {
            case "raw": return new Color(0x1f77b4);
            case "array": return new Color(0xd62728);
            case "fio": return new Color(0x2ca02c);
            default: return Color.DARK_GRAY;
        }
    }

    /** Writes the picture of {@code byLabel} to {@code file}. */
    public static void write(Path file, String title, Map<String, List<RunResult>> byLabel) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, PAD, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int half = W / 2;
        latencyPanel(g, PAD, 50, half - PAD - 30, H - 50 - PAD, byLabel);
        iopsPanel(g, half + PAD - 20, 50, half - PAD - 10, H - 50 - PAD, byLabel);
        g.dispose();
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    private static void latencyPanel(Graphics2D g, int x, int y, int w, int h, Map<String, List<RunResult>> byLabel) {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        java.util.LinkedHashMap<String, Histogram> merged = new java.util.LinkedHashMap<>();
        for (var e : byLabel.entrySet()) {
            Histogram m = new Histogram(BenchJob.MAX_LATENCY, 3);
            for (RunResult r : e.getValue()) {
                m.add(r.read().ios() >= r.write().ios() ? r.read().latency() : r.write().latency());
            }
            if (m.getTotalCount() > 0) {
                merged.put(e.getKey(), m);
                lo = Math.min(lo, Math.max(1, m.getValueAtPercentile(0)) / 1e3);
                hi = Math.max(hi, m.getValueAtPercentile(99.99) / 1e3);
            }
        }
        frame(g, x, y, w, h, "latency by percentile (us, log)", "percentile");
        if (merged.isEmpty()) {
            return;
        }
        double yLo = Math.floor(Math.log10(Math.max(0.1, lo)));
        double yHi = Math.ceil(Math.log10(Math.max(hi, lo * 10)));
        for (double d = yLo; d <= yHi; d++) {
            int py = (int) (y + h - (d - yLo) / (yHi - yLo) * h);
            grid(g, x, py, x + w, py);
            g.drawString(axis(Math.pow(10, d)), x - 45, py + 4);
        }
        String[] ticks = {"0", "90", "99", "99.9", "99.99"};
        for (int n = 0; n <= MAX_NINES; n++) {
            int px = (int) (x + n / MAX_NINES * w);
            grid(g, px, y, px, y + h);
            g.drawString(ticks[n], px - 10, y + h + 16);
        }
        int legend = 0;
        for (var e : merged.entrySet()) {
            Path2D.Double line = new Path2D.Double();
            for (int i = 0; i <= 400; i++) {
                double nines = MAX_NINES * i / 400;
                double pct = 100 * (1 - Math.pow(10, -nines));
                double v = Math.max(1, e.getValue().getValueAtPercentile(pct)) / 1e3;
                double px = x + nines / MAX_NINES * w;
                double py = y + h - (Math.log10(Math.max(v, Math.pow(10, yLo))) - yLo) / (yHi - yLo) * h;
                if (i == 0) {
                    line.moveTo(px, py);
                } else {
                    line.lineTo(px, py);
                }
            }
            draw(g, line, e.getKey());
            legend(g, x + 10, y + 18 + 16 * legend++, e.getKey());
        }
    }

    private static void iopsPanel(Graphics2D g, int x, int y, int w, int h, Map<String, List<RunResult>> byLabel) {
        double tMax = 0;
        double iMax = 0;
        for (List<RunResult> rounds : byLabel.values()) {
            for (RunResult r : rounds) {
                for (double[] s : r.timeline()) {
                    tMax = Math.max(tMax, s[0]);
                    iMax = Math.max(iMax, s[1] + s[2]);
                }
            }
        }
        frame(g, x, y, w, h, "IOPS over time (one line per round)", "seconds");
        if (tMax == 0 || iMax == 0) {
            g.drawString("no timeline (fio rounds have none)", x + 20, y + 30);
            return;
        }
        iMax *= 1.1;
        for (int i = 0; i <= 5; i++) {
            int py = (int) (y + h - i / 5.0 * h);
            grid(g, x, py, x + w, py);
            g.drawString(axis(iMax * i / 5), x - 50, py + 4);
            int px = (int) (x + i / 5.0 * w);
            g.drawString(String.format(Locale.ROOT, "%.1f", tMax * i / 5), px - 10, y + h + 16);
        }
        int legend = 0;
        for (var e : byLabel.entrySet()) {
            boolean any = false;
            for (RunResult r : e.getValue()) {
                Path2D.Double line = new Path2D.Double();
                int n = 0;
                for (double[] s : r.timeline()) {
                    double px = x + s[0] / tMax * w;
                    double py = y + h - (s[1] + s[2]) / iMax * h;
                    if (n++ == 0) {
                        line.moveTo(px, py);
                    } else {
                        line.lineTo(px, py);
                    }
                }
                if (n > 0) {
                    draw(g, line, e.getKey());
                    any = true;
                }
            }
            if (any) {
                legend(g, x + 10, y + 18 + 16 * legend++, e.getKey());
            }
        }
    }

    private static String axis(double v) {
        if (v == 0) {
            return "0";
        }
        if (v < 1) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return v < 10_000 ? String.format(Locale.ROOT, "%.0f", v) : HumanReport.count(v);
    }

    private static void frame(Graphics2D g, int x, int y, int w, int h, String title, String xLabel) {
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        g.drawRect(x, y, w, h);
        g.drawString(title, x, y - 6);
        g.drawString(xLabel, x + w / 2 - 20, y + h + 34);
    }

    private static void grid(Graphics2D g, int x1, int y1, int x2, int y2) {
        g.setColor(new Color(0xdddddd));
        g.drawLine(x1, y1, x2, y2);
        g.setColor(Color.BLACK);
    }

    private static void draw(Graphics2D g, Path2D line, String label) {
        g.setColor(color(label));
        g.setStroke(new BasicStroke(2));
        g.draw(line);
        g.setStroke(new BasicStroke(1));
        g.setColor(Color.BLACK);
    }

    private static void legend(Graphics2D g, int x, int y, String label) {
        g.setColor(color(label));
        g.fillRect(x, y - 9, 18, 10);
        g.setColor(Color.BLACK);
        g.drawString(label, x + 24, y);
    }
}
