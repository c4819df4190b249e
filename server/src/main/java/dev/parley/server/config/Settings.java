package dev.parley.server.config;

import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.TypeConversionException;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns records whose components are {@link Setting}s into picocli options and parsed options back
 * into records: the one place that knows how a setting's option name, environment variable, help
 * text and range check follow from its declaration. A component that is no setting is a nested
 * record of settings ({@link ServerConfig#security()}); options are listed in declaration order.
 * Reflection runs once, when a configuration is built; the server reads plain record fields.
 */
public final class Settings {
    private static final String VARIABLE_PREFIX = "PARLEY_";

    private Settings() {
    }

    /** Adds an option for every setting of {@code type} to {@code spec}. */
    public static void addOptions(CommandSpec spec, Class<? extends Record> type) {
        for (RecordComponent component : type.getRecordComponents()) {
            Setting setting = component.getAnnotation(Setting.class);
            if (setting == null) {
                addOptions(spec, component.getType().asSubclass(Record.class));
            } else {
                spec.addOption(option(component, setting));
            }
        }
    }

    /** The record the options {@link #addOptions added} to {@code spec} hold; a bad value throws IllegalArgumentException. */
    public static <R extends Record> R read(CommandSpec spec, Class<R> type) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            Setting setting = components[i].getAnnotation(Setting.class);
            values[i] = setting == null ? read(spec, components[i].getType().asSubclass(Record.class))
                    : value(components[i], setting, spec.findOption(optionName(components[i], setting)).getValue());
        }
        try {
            return type.getDeclaredConstructor(Arrays.stream(components).map(RecordComponent::getType)
                    .toArray(Class<?>[]::new)).newInstance(values);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The record that {@code args} describe, from the declared defaults (no environment). */
    static <R extends Record> R parse(Class<R> type, List<String> args) {
        CommandSpec spec = CommandSpec.create();
        addOptions(spec, type);
        try {
            new CommandLine(spec).setOverwrittenOptionsAllowed(true).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return read(spec, type);
    }

    /** The {@code --option=value} arguments that {@link #parse} turns back into {@code record}. */
    public static List<String> arguments(Record record) {
        List<String> args = new ArrayList<>();
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            Setting setting = component.getAnnotation(Setting.class);
            Object value;
            try {
                value = component.getAccessor().invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (setting == null) {
                args.addAll(arguments((Record) value));
            } else {
                args.add(argument(optionName(component, setting), value));
            }
        }
        return args;
    }

    /** {@code --option=value} with {@code value} written as the command line takes it; null is empty: none. */
    static String argument(String option, Object value) {
        String text = value == null ? ""
                : value instanceof List<?> list ? list.stream().map(String::valueOf).collect(Collectors.joining(","))
                : value instanceof Enum<?> constant ? constant.name().toLowerCase(Locale.ROOT)
                : value.toString();
        return option + "=" + text;
    }

    /** Defaults from {@code environment} (a variable's name to its value or null) for the settings' options. */
    public static IDefaultValueProvider environment(Function<String, String> environment) {
        return arg -> arg instanceof OptionSpec option && isSetting(option) ? environment.apply(variable(option)) : null;
    }

    /** Whether {@code option} is a setting's rather than one such as {@code --help}. */
    public static boolean isSetting(OptionSpec option) {
        return option.userObject() instanceof RecordComponent;
    }

    /** The environment variable of a setting's option: {@code --max-rooms} is {@code PARLEY_MAX_ROOMS}. */
    public static String variable(OptionSpec option) {
        return variable(option.longestName());
    }

    private static String variable(String optionName) {
        return VARIABLE_PREFIX + optionName.substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** Throws unless {@code min <= value <= max}, naming the setting. */
    static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be "
                    + (max == Long.MAX_VALUE ? "at least " + min : "from " + min + " to " + max) + ", not " + value);
        }
    }

    private static OptionSpec option(RecordComponent component, Setting setting) {
        Class<?> type = component.getType();
        String name = optionName(component, setting);
        String defaultText = !setting.value().isEmpty() ? ". Default: ${DEFAULT-VALUE}"
                : setting.whenUnset().isEmpty() ? "" : ". Default: " + setting.whenUnset();
        OptionSpec.Builder option = OptionSpec.builder(name)
                .description(setting.help() + " (" + variable(name) + ")" + defaultText)
                .userObject(component)
                .arity("1")
                .paramLabel(label(component, setting))
                .defaultValue(setting.value())
                .hidden(setting.hidden());
        if (type == List.class) {
            option.type(List.class).auxiliaryTypes(String.class).splitRegex(",");
        } else if (type.isEnum()) {
            option.type(type).converters(enumConverter(type));
        } else {
            option.type(type);
        }
        return option.build();
    }

    /** The component's name in kebab case, {@code maxRooms} as {@code --max-rooms}, unless the setting names it. */
    private static String optionName(RecordComponent component, Setting setting) {
        return "--" + (setting.name().isEmpty()
                ? component.getName().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT) : setting.name());
    }

    /** The declared label, else one that follows from the type or the unit at the end of the name. */
    private static String label(RecordComponent component, Setting setting) {
        Class<?> type = component.getType();
        String name = component.getName();
        if (!setting.label().isEmpty()) {
            return setting.label();
        } else if (type == boolean.class) {
            return "true|false";
        } else if (type.isEnum()) {
            return String.join("|", constantNames(type));
        } else if (type == Path.class) {
            return "FILE";
        } else if (type == int.class || type == long.class) {
            return name.endsWith("Ms") ? "MS" : name.endsWith("Bytes") ? "BYTES" : "N";
        }
        throw new IllegalStateException("the setting " + name + " needs a label");
    }

    /** Constants in any case, with the choices in the error. */
    private static ITypeConverter<Object> enumConverter(Class<?> type) {
        return value -> Arrays.stream(type.getEnumConstants())
                .filter(constant -> ((Enum<?>) constant).name().equalsIgnoreCase(value.trim()))
                .findFirst()
                .orElseThrow(() -> new TypeConversionException(
                        "'" + value + "' is not one of " + String.join(", ", constantNames(type))));
    }

    private static List<String> constantNames(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants())
                .map(constant -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT)).toList();
    }

    /**
     * An option's value as the record holds it: a blank string or path is none (null) where the
     * default is none, a list is trimmed, a number checked against its range.
     */
    private static Object value(RecordComponent component, Setting setting, Object value) {
        Class<?> type = component.getType();
        if (type == List.class) {
            return value == null ? List.of()
                    : ((List<?>) value).stream().map(o -> o.toString().trim()).filter(o -> !o.isEmpty()).toList();
        } else if ((type == String.class || type == Path.class) && setting.value().isEmpty()) {
            return value == null || value.toString().isBlank() ? null : value;
        } else if (value instanceof Number number) {
            requireRange(component.getName(), number.longValue(), setting.min(), setting.max());
        }
        return value;
    }
}
