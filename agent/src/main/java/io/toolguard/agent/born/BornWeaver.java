package io.toolguard.agent.born;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.isTypeInitializer;
import static net.bytebuddy.matcher.ElementMatchers.not;

import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.Advice.OffsetMapping.Factory.AdviceType;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeInitializer;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.auxiliary.AuxiliaryType;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.CompoundList;

/**
 * Weaves a class born in a tool call: every method, constructor and class initialiser it has enters
 * that call's context first ({@link BornAdvice}). It reads nothing but the class file it is given
 * and the JDK's own classes: a born class loader's code never runs while toolguard weaves.
 */
final class BornWeaver {

  /** The number of the call whose class this thread is weaving now. */
  private static final ThreadLocal<Integer> WEAVING = new ThreadLocal<>();

  /**
   * The advice, made once when the agent starts (reading its annotations is reflection, which a
   * tool's context would refuse), with the call's number read as each class is woven.
   */
  private static final AsmVisitorWrapper WRAPPER = wrapper();

  private BornWeaver() {}

  /**
   * {@return {@code classFile} woven to run in the context of the call numbered {@code number}}
   *
   * @throws IllegalStateException if it cannot be woven
   */
  static byte[] weave(byte[] classFile, int number) {
    String name = new ClassReader(classFile).getClassName().replace('/', '.');
    ClassFileLocator locator =
        new ClassFileLocator.Compound(
            ClassFileLocator.Simple.of(name, classFile),
            ClassFileLocator.ForClassLoader.ofBootLoader());
    TypePool pool = TypePool.Default.WithLazyResolution.of(locator);
    TypeDescription type = pool.describe(name).resolve();
    ClassFileVersion version = ClassFileVersion.ofClassFile(classFile);
    Implementation.Context context =
        Implementation.Context.Disabled.Factory.INSTANCE.make(
            type,
            new AuxiliaryType.NamingStrategy.Suffixing("toolguard"),
            TypeInitializer.None.INSTANCE,
            version,
            version);
    MethodList<?> methods =
        new MethodList.Explicit<>(
            CompoundList.of(
                type.getDeclaredMethods(), new MethodDescription.Latent.TypeInitializer(type)));
    int writerFlags = WRAPPER.mergeWriter(0);
    int readerFlags = WRAPPER.mergeReader(0);
    ClassReader reader = new ClassReader(classFile);
    ClassWriter writer = new ClassWriter(reader, writerFlags);
    Integer outer = WEAVING.get();
    WEAVING.set(number);
    try {
      reader.accept(
          WRAPPER.wrap(
              type,
              writer,
              context,
              pool,
              type.getDeclaredFields(),
              methods,
              writerFlags,
              readerFlags),
          readerFlags);
      return writer.toByteArray();
    } finally {
      WEAVING.set(outer);
    }
  }

  private static AsmVisitorWrapper wrapper() {
    Advice.WithCustomMapping mapping = Advice.withCustomMapping().bind(CallNumberMapping.INSTANCE);
    return new AsmVisitorWrapper.ForDeclaredMethods()
        .invokable(
            isMethod().and(not(isAbstract())).and(not(isNative())).or(isTypeInitializer()),
            mapping.to(BornAdvice.Enter.class, BornAdvice.ExitByAnyEnd.class))
        .invokable(
            isConstructor(), mapping.to(BornAdvice.Enter.class, BornAdvice.ExitByReturn.class));
  }

  /** Binds {@link BornAdvice.CallNumber} to the number of the call being woven for, a constant. */
  private enum CallNumberMapping implements Advice.OffsetMapping.Factory<BornAdvice.CallNumber> {
    INSTANCE;

    @Override
    public Class<BornAdvice.CallNumber> getAnnotationType() {
      return BornAdvice.CallNumber.class;
    }

    @Override
    public Advice.OffsetMapping make(
        ParameterDescription.InDefinedShape target,
        AnnotationDescription.Loadable<BornAdvice.CallNumber> annotation,
        AdviceType adviceType) {
      return new Advice.OffsetMapping() {
        @Override
        public Target resolve(
            TypeDescription instrumentedType,
            MethodDescription instrumentedMethod,
            Assigner assigner,
            Advice.ArgumentHandler argumentHandler,
            Sort sort) {
          Integer number = WEAVING.get();
          if (number == null) {
            throw new IllegalStateException("a born class is woven without its call's number");
          }
          return new Target.ForStackManipulation(IntegerConstant.forValue(number));
        }
      };
    }
  }
}
