package dev.parley.server.broker;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutageBrokerTest {

    /** A method the broker would inherit from the interface's default would not reach the durable broker. */
    @Test
    void itForwardsEveryMethodOfTheBrokerInterfaceIncludingTheDefaultOnes() {
        List<String> inherited = Arrays.stream(Broker.class.getMethods())
                .filter(method -> !Modifier.isStatic(method.getModifiers()))
                .filter(method -> !declared(method))
                .map(Method::getName).toList();
        assertThat(inherited).isEmpty();
    }

    private static boolean declared(Method method) {
        try {
            OutageBroker.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
