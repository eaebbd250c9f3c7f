package org.dml4j.mlflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Debian's {@code chromium} in headless mode (installed by {@code scripts/setup.sh --tests}): loads a page in a fresh
 * browser profile (no remembered UI choices, as a new user's browser), lets its scripts run, and returns the rendered
 * page's text while writing a screenshot. WebGL is off: MLflow's compare page draws a chart per metric, and
 * chromium's software WebGL kept a page of 40 metrics busy for minutes (10 s without it).
 */
final class HeadlessChromium {

    private static final Pattern TAGS = Pattern.compile("<style[^>]*>.*?</style>|<[^>]+>", Pattern.DOTALL);
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final long TIMEOUT_SECONDS = 90;
    /** Script time given to a page on each try: a busy server can leave charts loading past the first budget. */
    private static final List<Integer> BUDGETS_MS = List.of(8000, 20000, 45000);

    private final Path folder;
    private final Path profiles;

    /**
     * A browser writing its screenshots to a folder.
     *
     * @param folder   the screenshots' folder
     * @param profiles a temporary folder for the browser profiles
     */
    HeadlessChromium(Path folder, Path profiles) {
        this.folder = folder;
        this.profiles = profiles;
    }

    /**
     * Loads a page until it shows what the caller waits for: first with 8 s of script time, then, while the page is
     * not yet rendered (MLflow's charts still spinning on a busy machine), again with 20 s and 45 s.
     *
     * @param name     the screenshot's name, {@code <name>.png} in the folder
     * @param url      the page
     * @param rendered whether the page's text shows the page fully drawn
     * @return the rendered page's visible text of the last try, whitespace collapsed
     * @throws IOException when chromium is missing, fails or takes more than 90 s
     */
    String load(String name, String url, Predicate<String> rendered) throws IOException {
        String text = "";
        for (int budget : BUDGETS_MS) {
            text = load(name, url, budget);
            if (rendered.test(text)) {
                break;
            }
        }
        return text;
    }

    /**
     * Loads a page in a fresh profile, 1600x1000 pixels, and gives its scripts some (virtual) time.
     *
     * @param name     the screenshot's name, {@code <name>.png} in the folder
     * @param url      the page
     * @param budgetMs the script time, in milliseconds
     * @return the rendered page's visible text, whitespace collapsed
     * @throws IOException when chromium is missing, fails or takes more than 90 s
     */
    private String load(String name, String url, int budgetMs) throws IOException {
        Files.createDirectories(folder);
        Path screenshot = folder.resolve(name + ".png");
        Path dom = folder.resolve(name + ".html");
        Path log = folder.resolve(name + ".log");
        Path profile = Files.createTempDirectory(profiles, "profile-");
        ProcessBuilder builder = new ProcessBuilder(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-3d-apis", "--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + profile,
                "--window-size=1600,1000", "--virtual-time-budget=" + budgetMs, "--screenshot=" + screenshot,
                "--dump-dom", url)).redirectOutput(dom.toFile()).redirectError(log.toFile());
        builder.environment().putAll(Map.of("DBUS_SESSION_BUS_ADDRESS", "disabled:"));
        Process browser;
        try {
            browser = builder.start();
        } catch (IOException e) {
            throw new IOException("Cannot start chromium (scripts/setup.sh --tests installs Debian's chromium): "
                    + e.getMessage(), e);
        }
        try {
            if (!browser.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                browser.destroyForcibly();
                throw new IOException("chromium took more than " + TIMEOUT_SECONDS + " s on " + url);
            }
        } catch (InterruptedException e) {
            browser.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while chromium loaded " + url, e);
        }
        if (browser.exitValue() != 0 || !Files.exists(screenshot)) {
            throw new IOException("chromium failed (exit " + browser.exitValue() + ") on " + url + ": "
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        String html = Files.readString(dom, StandardCharsets.UTF_8);
        return SPACES.matcher(TAGS.matcher(html).replaceAll(" ")).replaceAll(" ").trim();
    }
}
