package dev.parley.loadtest.report;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class SvgChartTest {
    @Test
    void percentileAxisIsLabelledInNines() {
        assertThat(List.of(0, 1, 2, 3, 5)).extracting(SvgChart::percentileLabel)
                .containsExactly("0%", "90%", "99%", "99.9%", "99.999%");
    }

    @Test
    void stepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertThat(SvgChart.niceStep(0.7)).isEqualTo(1);
        assertThat(SvgChart.niceStep(1.3)).isEqualTo(2);
        assertThat(SvgChart.niceStep(31)).isEqualTo(50);
        assertThat(SvgChart.niceStep(7_000)).isEqualTo(10_000);
    }

    @Test
    void everyTickAndPointStaysInsideTheChart() throws Exception {
        String svg = SvgChart.render("t", "x", "y", SvgChart.XScale.LINEAR,
                List.of(new SvgChart.Series("s", "#000", List.of(new double[] {250, 10}, new double[] {375, 80}))));
        ReportFiles.html("<html xmlns=\"http://www.w3.org/1999/xhtml\"><body>" + svg + "</body></html>");
        Matcher xs = Pattern.compile(" (?:x|x1|x2)=\"([-0-9.]+)\"").matcher(svg);
        int seen = 0;
        while (xs.find()) {
            assertThat(Double.parseDouble(xs.group(1))).isBetween(0.0, 760.0);
            seen++;
        }
        assertThat(seen).isGreaterThan(10);
        assertThat(svg).contains(">250<").contains(">350<").doesNotContain(">400<");
    }
}
