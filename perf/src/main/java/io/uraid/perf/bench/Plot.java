package io.uraid.perf.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A bench as a PNG, drawn with JFreeChart (headless): on the left the latency of each target by
 * percentile (all rounds merged; x on the usual "nines" scale from p0 to p99.99, y in
 * microseconds on a log scale, p50/p99/p99.9 of each target written under the title), on the
 * right IOPS over time, one line per round, coloured by target.
 */
public final class Plot {
    private static final int W = 1400;
    private static final int H = 600;
    private static final double MAX_NINES = 4; // p99.99
    private static final int CURVE_POINTS = 400;

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
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString(title, 16, 26);
        latencyChart(byLabel).draw(g, new Rectangle2D.Double(0, 36, W / 2.0, H - 36));
        iopsChart(byLabel).draw(g, new Rectangle2D.Double(W / 2.0, 36, W / 2.0, H - 36));
        g.dispose();
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    /** Every round of each target merged, in the direction with the most requests. */
    static Map<String, Histogram> merged(Map<String, List<RunResult>> byLabel) {
        Map<String, Histogram> merged = new LinkedHashMap<>();
        for (var e : byLabel.entrySet()) {
            Histogram m = new Histogram(BenchJob.MAX_LATENCY, 3);
            for (RunResult r : e.getValue()) {
                m.add(r.main().latency());
            }
            if (m.getTotalCount() > 0) {
                merged.put(e.getKey(), m);
            }
        }
        return merged;
    }

    private static JFreeChart latencyChart(Map<String, List<RunResult>> byLabel) {
        XYSeriesCollection data = new XYSeriesCollection();
        List<String> figures = new java.util.ArrayList<>();
        Map<String, Histogram> merged = merged(byLabel);
        for (var e : merged.entrySet()) {
            Histogram h = e.getValue();
            XYSeries s = new XYSeries(e.getKey(), false, true);
            for (int i = 0; i <= CURVE_POINTS; i++) {
                double nines = MAX_NINES * i / CURVE_POINTS;
                s.add(nines, Math.max(1, h.getValueAtPercentile(percentile(nines))) / 1e3);
            }
            data.addSeries(s);
            figures.add(String.format(Locale.ROOT, "%s: p50 %s, p99 %s, p99.9 %s, max %s us", e.getKey(),
                    us(h.getValueAtPercentile(50)), us(h.getValueAtPercentile(99)), us(h.getValueAtPercentile(99.9)),
                    us(h.getMaxValue())));
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Completion latency by percentile (all rounds)",
                "percentile", "latency (us, log scale)", data, PlotOrientation.VERTICAL, true, false, false);
        for (String line : figures.isEmpty() ? List.of("no requests") : figures) { // one line per target
            chart.addSubtitle(new TextTitle(line, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        }
        XYPlot plot = chart.getXYPlot();
        NumberAxis x = new NumberAxis("percentile");
        x.setRange(0, MAX_NINES);
        x.setTickUnit(new NumberTickUnit(1, new NinesFormat()));
        plot.setDomainAxis(x);
        LogAxis y = new LogAxis("latency (us, log scale)");
        y.setSmallestValue(0.1);
        y.setTickUnit(new NumberTickUnit(1)); // one tick per decade: 0.1, 1, 10, 100 us...
        y.setMinorTickCount(9);
        y.setMinorTickMarksVisible(true);
        y.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.#"));
        plot.setRangeAxis(y);
        for (double p : new double[] {2, 3}) { // p99 and p99.9 guides
            ValueMarker m = new ValueMarker(p, Color.GRAY, new BasicStroke(1f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 1f, new float[] {4f, 4f}, 0f));
            plot.addDomainMarker(m);
        }
        style(plot);
        chart.setPadding(new RectangleInsets(0, 0, 0, 24)); // room for the last tick label, "p99.99"
        for (int i = 0; i < data.getSeriesCount(); i++) {
            plot.getRenderer().setSeriesPaint(i, color((String) data.getSeriesKey(i)));
        }
        return chart;
    }

    private static JFreeChart iopsChart(Map<String, List<RunResult>> byLabel) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (var e : byLabel.entrySet()) {
            for (RunResult r : e.getValue()) {
                if (r.timeline().isEmpty()) {
                    continue;
                }
                XYSeries s = new XYSeries(e.getKey() + " r" + r.round(), false, true);
                for (double[] sample : r.timeline()) {
                    s.add(sample[0], sample[1] + sample[2]);
                }
                data.addSeries(s);
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart("IOPS over time (one line per round)", "seconds", "IOPS",
                data, PlotOrientation.VERTICAL, true, false, false);
        if (data.getSeriesCount() == 0) {
            chart.addSubtitle(new TextTitle("no timeline (fio rounds have none)"));
        }
        XYPlot plot = chart.getXYPlot();
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true);
        style(plot);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            String key = (String) data.getSeriesKey(i);
            plot.getRenderer().setSeriesPaint(i, color(key.substring(0, key.indexOf(' '))));
        }
        return chart;
    }

    private static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xcccccc));
        plot.setRangeGridlinePaint(new Color(0xcccccc));
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setDefaultStroke(new BasicStroke(2f));
        r.setAutoPopulateSeriesStroke(false);
        plot.setRenderer(r);
    }

    /** The percentile {@code nines} nines stand for: 0 -> 0, 1 -> 90, 2 -> 99, 3 -> 99.9. */
    static double percentile(double nines) {
        return 100 * (1 - Math.pow(10, -nines));
    }

    private static String us(long nanos) {
        double v = nanos / 1e3;
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** Tick labels of the nines axis: "p0", "p90", "p99", "p99.9", "p99.99". */
    private static final class NinesFormat extends java.text.NumberFormat {
        private static final long serialVersionUID = 1L;

        @Override
        public StringBuffer format(double number, StringBuffer to, java.text.FieldPosition pos) {
            long n = Math.round(number);
            if (n <= 0) {
                return to.append("p0");
            }
            String p = String.format(Locale.ROOT, "%." + Math.max(0, n - 2) + "f", percentile(n));
            return to.append('p').append(p);
        }

        @Override
        public StringBuffer format(long number, StringBuffer to, java.text.FieldPosition pos) {
            return format((double) number, to, pos);
        }

        @Override
        public Number parse(String source, java.text.ParsePosition pos) {
            throw new UnsupportedOperationException();
        }
    }
}
