package org.dml4j.experiments.io;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.io.ConfigLoader;
import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;

/**
 * Checks an OLCUT configuration file before OLCUT reads it: OLCUT's XML parser resolves external entities and DTDs
 * (a {@code <!DOCTYPE>} can read local files into error messages or send them to another host), so a file with a
 * DTD is refused here by a parser that resolves nothing. Files it includes ({@code <file>}) are checked too.
 * <p>
 * A configuration from someone else (a run's record on a shared MLflow server, for {@code reproduce}) is held to more:
 * only components, properties, lists and maps (no included files, Java-serialized objects or remote components),
 * no {@code ${...}} variables, only DML4J component types, and no output path ({@code checkpointDirectory}).
 */
public final class ConfigFiles {

    /** The properties that name an output path. */
    public static final Set<String> OUTPUT_PROPERTIES = Set.of("checkpointDirectory");

    private static final String TYPE_PREFIX = "org.dml4j.";

    /** The elements a configuration from someone else may use. */
    private static final Set<String> UNTRUSTED_ELEMENTS = Set.of(ConfigLoader.CONFIG, ConfigLoader.COMPONENT,
            ConfigLoader.PROPERTY, ConfigLoader.PROPERTYLIST, ConfigLoader.ITEM, ConfigLoader.PROPERTYMAP,
            ConfigLoader.ENTRY);

    /** The attributes its components may have. */
    private static final Set<String> COMPONENT_ATTRIBUTES = Set.of(ConfigLoader.NAME, ConfigLoader.TYPE,
            ConfigLoader.INHERIT);

    private ConfigFiles() {
    }

    /**
     * Checks a configuration file (and, when trusted, the files it includes).
     *
     * @param file      the file
     * @param untrusted whether it comes from someone else
     * @throws UserError naming the file, the line and the problem
     */
    public static void check(Path file, boolean untrusted) {
        check(file.toAbsolutePath().normalize(), untrusted, new HashSet<>());
    }

    private static void check(Path file, boolean untrusted, Set<Path> seen) {
        if (!seen.add(file)) {
            return;
        }
        if (!Files.isRegularFile(file)) {
            throw new UserError("Configuration file not found: " + file);
        }
        Checker checker = new Checker(file, untrusted);
        try {
            parser().parse(file.toFile(), checker);
        } catch (SAXParseException e) {
            throw parseError(file, e);
        } catch (SAXException | IOException e) {
            throw new UserError("Cannot read the configuration file " + file + ": " + e.getMessage(), e);
        }
        for (Path included : checker.includes) {
            check(included, untrusted, seen);
        }
    }

    private static UserError parseError(Path file, SAXParseException e) {
        String where = file + " line " + e.getLineNumber();
        if (String.valueOf(e.getMessage()).contains("DOCTYPE")) {
            return new UserError("The configuration file " + where + " declares a DTD (<!DOCTYPE ...>). DML4J "
                    + "configuration files may not use DTDs or entities, which can read local files or contact "
                    + "other hosts: remove the DOCTYPE.", e);
        }
        return new UserError("Cannot parse the configuration file " + where + ": " + e.getMessage()
                + " Fix the XML.", e);
    }

    /** A SAX parser that refuses any DTD and resolves no external entity, DTD or schema. */
    private static SAXParser parser() {
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setNamespaceAware(false);
            factory.setXIncludeAware(false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            SAXParser parser = factory.newSAXParser();
            parser.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            parser.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return parser;
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("The JDK's XML parser cannot be secured: " + e.getMessage(), e);
        }
    }

    /** Collects the included files and refuses what an untrusted file may not hold. */
    private static final class Checker extends DefaultHandler {
        private final Path file;
        private final boolean untrusted;
        private final Set<Path> includes = new HashSet<>();
        private Locator locator;

        Checker(Path file, boolean untrusted) {
            this.file = file;
            this.untrusted = untrusted;
        }

        @Override
        public void setDocumentLocator(Locator documentLocator) {
            this.locator = documentLocator;
        }

        @Override
        public void startElement(String uri, String localName, String name, Attributes attributes) {
            if (name.equals(ConfigLoader.FILE)) {
                String value = attributes.getValue(ConfigLoader.VALUE);
                refuseIfUntrusted("includes another file (<file value=\"" + value + "\">)");
                if (value != null && ConfigurationManager.class.getResource(value) == null) {
                    includes.add(file.resolveSibling(value).normalize());
                }
            }
            if (!untrusted) {
                return;
            }
            if (!UNTRUSTED_ELEMENTS.contains(name)) {
                refuseIfUntrusted("uses <" + name + "> (serialized objects, included files, types lists)");
            }
            if (name.equals(ConfigLoader.COMPONENT)) {
                for (int i = 0; i < attributes.getLength(); i++) {
                    if (!COMPONENT_ATTRIBUTES.contains(attributes.getQName(i))) {
                        refuseIfUntrusted("gives a component the attribute " + attributes.getQName(i)
                                + " (serialized forms, remote components)");
                    }
                }
                String type = attributes.getValue(ConfigLoader.TYPE);
                if (type != null && !type.startsWith(TYPE_PREFIX)) {
                    refuseIfUntrusted("builds a component of type " + type + ", which is not a DML4J class");
                }
            }
            String property = attributes.getValue(ConfigLoader.NAME);
            if (name.equals(ConfigLoader.PROPERTY) && OUTPUT_PROPERTIES.contains(property)) {
                refuseIfUntrusted("sets the output path " + property);
            }
            for (int i = 0; i < attributes.getLength(); i++) {
                variable(attributes.getValue(i));
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (untrusted) {
                variable(new String(ch, start, length));
            }
        }

        private void variable(String text) {
            if (text.contains("${")) {
                refuseIfUntrusted("uses a ${...} variable");
            }
        }

        private void refuseIfUntrusted(String what) {
            if (untrusted) {
                throw new UserError("The configuration file " + file + " line " + locator.getLineNumber() + " "
                        + what + ": a configuration from a tracked run may hold DML4J components and their "
                        + "settings only. Check the run's config/ artifact; nothing was run.");
            }
        }
    }
}
