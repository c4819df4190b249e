package dev.parley.server.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a record component a server setting, once: {@link Settings} makes it the option
 * {@code --kebab-name} with the environment variable {@code PARLEY_KEBAB_NAME}, this default, help
 * text and range. For example {@code @Setting(label = "PORT", value = "8080", min = 0, max = 65535,
 * help = "Port to listen on") int port} is {@code --port=PORT}, read from {@code PARLEY_PORT}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Setting {
    /**
     * The default, written as on the command line; empty: none, a null string or path (a blank value
     * is none too) or an empty list.
     */
    String value() default "";

    /**
     * What {@code --help} shows as the option's value; where empty, it follows from the type (the
     * constants of an enum, {@code true|false}, {@code FILE} for a path) or for a number from the end
     * of the name ({@code MS} for {@code ...Ms}, {@code BYTES} for {@code ...Bytes}, else {@code N}).
     */
    String label() default "";

    /** The option's description in {@code --help}, before its variable and its default. */
    String help();

    /** The default {@code --help} shows when {@link #value()} is empty, such as {@code any}; empty: none shown. */
    String whenUnset() default "";

    /** The smallest value a number may take. */
    long min() default Long.MIN_VALUE;

    /** The largest value a number may take. */
    long max() default Long.MAX_VALUE;

    /** The option's name without {@code --} where it is not the component's name in kebab case. */
    String name() default "";

    /** Left out of {@code --help}: a setting for tests rather than for operators. */
    boolean hidden() default false;
}
