package dev.parley.loadtest.report;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * Draws line charts as inline SVG, so a report is one self-contained file (no scripts, no CDN).
 * The x axis is either linear or a percentile axis in the HdrHistogram style, where 90%, 99%,
 * 99.9%, ... are equally spaced so the tail is as visible as the median.
 */
public final class SvgChart {
    private static final int WIDTH = 760;
    private static final int HEIGHT = 300;
    private static final int LEFT = 76;
    private static final int RIGHT = 28;
    private static final int TOP = 28;
    private static final int BOTTOM = 44;
    private static final int TICKS = 5;
    /** Series with this few points also get a dot per point (a single point is otherwise invisible). */
    private static final int MAX_DOTTED_POINTS = 20;
    /** The percentile axis ends at 99.9999%: {@code log10(1 / (1 - p))} of it. */
    private static final double MAX_NINES = 6;

    /** How x values are placed. */
    public enum XScale { LINEAR, PERCENTILE }

    /** One line: its legend name, its colour and its (x, y) points. */
    public record Series(String name, String color, List<double[]> points) {
        public Series {
            points = List.copyOf(points);
        }
    }

    private SvgChart() {
    }

    /** A labelled vertical line at {@code x}, such as the start of a phase. */
    public record Marker(double x, String label) {
    }

    /** The chart as an {@code <svg>} element. */
    public static String render(String title, String xLabel, String yLabel, XScale scale, List<Series> series) {
        return render(title, xLabel, yLabel, scale, series, List.of());
    }

    /** The chart as an {@code <svg>} element, with vertical markers (linear scale only). */
    public static String render(String title, String xLabel, String yLabel, XScale scale, List<Series> series,
                                List<Marker> markers) {
        double maxX = scale == XScale.PERCENTILE ? 2 : 1;
        double minX = scale == XScale.PERCENTILE ? 0 : Double.MAX_VALUE;
        double maxY = 0;
        boolean any = false;
        for (Series s : series) {
            for (double[] p : s.points()) {
                double x = x(scale, p[0]);
                maxX = Math.max(maxX, scale == XScale.PERCENTILE ? Math.ceil(x) : x);
                minX = Math.min(minX, x);
                maxY = Math.max(maxY, p[1]);
                any = true;
            }
        }
        if (!any || minX >= maxX) {
            minX = 0;
        }
        double yStep = niceStep(maxY <= 0 ? 1 : maxY / TICKS);
        double topY = Math.max(yStep, Math.ceil(maxY / yStep) * yStep);
        Frame frame = new Frame(minX, maxX, topY);
        StringBuilder svg = new StringBuilder(4096);
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
                + "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<title>").append(Html.escape(title)).append("</title>");
        svg.append(text(LEFT, 18, "start", "chart-title", title));
        for (double y = 0; y <= topY + yStep * 1e-6; y += yStep) {
            double py = frame.py(y);
            svg.append(line(LEFT, py, WIDTH - RIGHT, py, "grid"));
            svg.append(text(LEFT - 6, py + 4, "end", "tick", number(y)));
        }
        appendXTicks(svg, scale, frame);
        svg.append(text(LEFT + (WIDTH - LEFT - RIGHT) / 2.0, HEIGHT - 6, "middle", "axis", xLabel));
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" class=\"axis\" "
                + "transform=\"rotate(-90 14 %.1f)\">%s</text>", TOP + (HEIGHT - TOP - BOTTOM) / 2.0,
                TOP + (HEIGHT - TOP - BOTTOM) / 2.0, Html.escape(yLabel)));
        svg.append(line(LEFT, TOP, LEFT, HEIGHT - BOTTOM, "axis-line"));
        svg.append(line(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM, "axis-line"));
        for (Marker marker : markers) {
            double px = frame.px(marker.x());
            if (scale == XScale.LINEAR && px >= LEFT && px <= WIDTH - RIGHT) {
                svg.append(line(px, TOP, px, HEIGHT - BOTTOM, "marker"));
                svg.append(text(px + 3, TOP + 10, "start", "marker-label", marker.label()));
            }
        }
        if (!any) {
            svg.append(text(LEFT + (WIDTH - LEFT - RIGHT) / 2.0, TOP + (HEIGHT - TOP - BOTTOM) / 2.0, "middle",
                    "tick", "no data"));
        }
        int legendX = WIDTH - RIGHT - 8;
        for (int i = series.size() - 1; i >= 0; i--) {
            Series s = series.get(i);
            appendSeries(svg, scale, frame, s);
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" text-anchor=\"end\" class=\"legend\" "
                    + "fill=\"%s\">%s</text>", legendX, Html.escape(s.color()), Html.escape(s.name())));
            legendX -= 12 + 7 * s.name().length();
        }
        return svg.append("</svg>").toString();
    }

    private static void appendXTicks(StringBuilder svg, XScale scale, Frame frame) {
        if (scale == XScale.PERCENTILE) {
            for (int nines = 0; nines <= frame.maxX; nines++) {
                double px = frame.px(nines);
                svg.append(line(px, TOP, px, HEIGHT - BOTTOM, "grid"));
                svg.append(text(px, HEIGHT - BOTTOM + 16, "middle", "tick", percentileLabel(nines)));
            }
            return;
        }
        double step = niceStep((frame.maxX - frame.minX) / TICKS);
        for (double x = Math.ceil(frame.minX / step) * step; x <= frame.maxX + step * 1e-6; x += step) {
            svg.append(text(frame.px(x), HEIGHT - BOTTOM + 16, "middle", "tick", number(x)));
        }
    }

    private static void appendSeries(StringBuilder svg, XScale scale, Frame frame, Series s) {
        if (s.points().isEmpty()) {
            return;
        }
        svg.append("<polyline fill=\"none\" stroke=\"").append(s.color()).append("\" stroke-width=\"2\" points=\"");
        for (double[] p : s.points()) {
            svg.append(String.format(Locale.ROOT, "%.1f,%.1f ", frame.px(x(scale, p[0])), frame.py(p[1])));
        }
        svg.append("\"/>");
        if (s.points().size() <= MAX_DOTTED_POINTS) {
            for (double[] p : s.points()) {
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>",
                        frame.px(x(scale, p[0])), frame.py(p[1]), Html.escape(s.color())));
            }
        }
    }

    private static double x(XScale scale, double value) {
        if (scale == XScale.LINEAR) {
            return value;
        }
        double remaining = 1 - value / 100;
        return remaining <= Math.pow(10, -MAX_NINES) ? MAX_NINES : Math.log10(1 / remaining);
    }

    /** 0%, 90%, 99%, 99.9%, 99.99%, ... for 0, 1, 2, 3, 4 nines. */
    static String percentileLabel(int nines) {
        if (nines < 2) {
            return nines == 0 ? "0%" : "90%";
        }
        return "99" + (nines > 2 ? "." + "9".repeat(nines - 2) : "") + "%";
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / magnitude;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    private static String number(double value) {
        double rounded = Math.round(value * 1000) / 1000.0;
        if (rounded == Math.rint(rounded) && Math.abs(rounded) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) rounded);
        }
        return BigDecimal.valueOf(rounded).stripTrailingZeros().toPlainString();
    }

    private static String line(double x1, double y1, double x2, double y2, String cssClass) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"%s\"/>",
                x1, y1, x2, y2, cssClass);
    }

    private static String text(double x, double y, String anchor, String cssClass, String content) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">%s</text>",
                x, y, anchor, cssClass, Html.escape(content));
    }

    /** Maps data coordinates to pixels. */
    private record Frame(double minX, double maxX, double maxY) {
        double px(double x) {
            return LEFT + (x - minX) / (maxX - minX) * (WIDTH - LEFT - RIGHT);
        }

        double py(double y) {
            return HEIGHT - BOTTOM - y / maxY * (HEIGHT - TOP - BOTTOM);
        }
    }
}
