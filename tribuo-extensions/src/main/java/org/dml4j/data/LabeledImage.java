package org.dml4j.data;

import java.nio.file.Path;

/**
 * One image file and its class.
 *
 * @param file  the image (PNG or JPEG)
 * @param label the class name
 */
public record LabeledImage(Path file, String label) {
}
