package org.dml4j.data;

import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A stable mapping between label names and class ids {@code 0..size-1}: names are sorted numerically when every
 * name is an integer ("2" before "10"), otherwise by {@link String#compareTo}. The same set of names therefore
 * always gets the same ids, unlike Tribuo's {@code ImmutableOutputInfo}, whose ids follow hash order.
 */
public final class LabelIndex {

    private final List<String> names;
    private final Map<String, Integer> ids;

    private LabelIndex(List<String> names) {
        this.names = List.copyOf(names);
        this.ids = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            ids.put(names.get(i), i);
        }
    }

    /**
     * The index of a set of label names.
     *
     * @param names the names, duplicates ignored
     * @return the index
     * @throws IllegalArgumentException if there are no names
     */
    public static LabelIndex of(Collection<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a label index needs at least one label");
        }
        boolean numeric = names.stream().allMatch(LabelIndex::isInteger);
        Comparator<String> order = numeric ? Comparator.comparing(Long::parseLong) : Comparator.naturalOrder();
        TreeSet<String> sorted = new TreeSet<>(order);
        sorted.addAll(names);
        return new LabelIndex(new ArrayList<>(sorted));
    }

    /**
     * The index of the labels that occur in some examples.
     *
     * @param examples the examples
     * @return the index
     * @throws IllegalArgumentException if there are no examples
     */
    public static LabelIndex of(Iterable<? extends Example<Label>> examples) {
        List<String> names = new ArrayList<>();
        for (Example<Label> e : examples) {
            names.add(e.getOutput().getLabel());
        }
        return of(names);
    }

    private static boolean isInteger(String s) {
        try {
            Long.parseLong(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** @return the number of labels */
    public int size() {
        return names.size();
    }

    /** @return the label names in id order */
    public List<String> names() {
        return names;
    }

    /**
     * The name of a class id.
     *
     * @param id the id
     * @return its name
     */
    public String name(int id) {
        return names.get(id);
    }

    /**
     * Whether a label is known.
     *
     * @param name the label name
     * @return whether it has an id
     */
    public boolean contains(String name) {
        return ids.containsKey(name);
    }

    /**
     * The id of a label.
     *
     * @param name the label name
     * @return its id
     * @throws IllegalArgumentException if the label is not in the index
     */
    public int id(String name) {
        Integer id = ids.get(name);
        if (id == null) {
            throw new IllegalArgumentException("unknown label '" + name + "'; known labels: " + names);
        }
        return id;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelIndex other && names.equals(other.names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    @Override
    public String toString() {
        return "LabelIndex" + names;
    }
}
