package io.toolguard.agent.tool;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * What tool finding needs of a class file, read with ASM alone: its super types, its annotations
 * and its methods' (with their parameters' names and annotations, and the defaults of an annotation
 * type's attributes). Reading a class this way loads nothing of the application and none of Byte
 * Buddy's type descriptions, which made the first class with tools cost a third of a second.
 *
 * @param name the class's internal name ({@code a/b/C})
 * @param superName the super class's internal name, {@code null} for {@code Object}
 * @param interfaces the interfaces' internal names
 * @param annotations the class's own annotations (an annotation type's meta-annotations)
 * @param methods the methods, in class-file order
 */
record ClassModel(
    String name,
    String superName,
    List<String> interfaces,
    List<AnnotationValue> annotations,
    List<MethodModel> methods) {

  /** {@return the class's binary name ({@code a.b.C})} */
  String binaryName() {
    return name.replace('/', '.');
  }

  /** {@return the super class and interfaces, super class first} */
  List<String> supertypes() {
    List<String> supertypes = new ArrayList<>();
    if (superName != null) {
      supertypes.add(superName);
    }
    supertypes.addAll(interfaces);
    return supertypes;
  }

  /** {@return the method (an annotation type's attribute) of this name without parameters} */
  Optional<MethodModel> attribute(String attribute) {
    for (MethodModel method : methods) {
      if (method.name().equals(attribute) && method.descriptor().startsWith("()")) {
        return Optional.of(method);
      }
    }
    return Optional.empty();
  }

  /**
   * A method as its class file declares it.
   *
   * @param access its access flags
   * @param descriptor its descriptor, which is also its erased shape
   * @param annotations its annotations
   * @param parameterAnnotations each parameter's annotations
   * @param parameterNames each parameter's name: the {@code MethodParameters} attribute's, else the
   *     local variable table's, else {@code arg0}…
   * @param defaultValue an annotation attribute's default value, or {@code null}
   * @param bridged for a bridge method, the descriptor of the method of this class it calls; {@code
   *     null} when not known (the code was not read)
   */
  record MethodModel(
      int access,
      String name,
      String descriptor,
      List<AnnotationValue> annotations,
      List<List<AnnotationValue>> parameterAnnotations,
      List<String> parameterNames,
      Object defaultValue,
      String bridged) {

    boolean is(int flag) {
      return (access & flag) != 0;
    }
  }

  /**
   * An annotation as written: its type and the values given explicitly (defaults live in the
   * annotation type's class file).
   *
   * @param type the annotation type's binary name, as reflection reads its descriptor (see {@link
   *     AnnotationNames#className})
   * @param values by attribute name: a {@code String}, boxed primitive, {@link EnumValue}, {@link
   *     Type} (a class literal), nested {@link AnnotationValue}, or a {@code List} of these
   */
  record AnnotationValue(String type, Map<String, Object> values) {}

  /** An enum constant in an annotation, by its type's descriptor and its name. */
  record EnumValue(String descriptor, String name) {}

  /**
   * {@return the model of a class file}
   *
   * @param code whether to read the methods' code too, for parameter names from the local variable
   *     table and for what each bridge method calls; without it, reading costs a fraction
   * @throws IllegalArgumentException if the bytes are not a class file ASM can read
   */
  static ClassModel read(byte[] classFile, boolean code) {
    Reader reader = new Reader();
    try {
      new ClassReader(classFile)
          .accept(reader, code ? ClassReader.SKIP_FRAMES : ClassReader.SKIP_CODE);
    } catch (ArrayIndexOutOfBoundsException | IllegalStateException unreadable) {
      throw new IllegalArgumentException("unreadable class file: " + unreadable, unreadable);
    }
    return new ClassModel(
        reader.name, reader.superName, reader.interfaces, reader.annotations, reader.methods);
  }

  private static final class Reader extends ClassVisitor {
    String name;
    String superName;
    List<String> interfaces = List.of();
    final List<AnnotationValue> annotations = new ArrayList<>();
    final List<MethodModel> methods = new ArrayList<>();

    Reader() {
      super(Opcodes.ASM9);
    }

    @Override
    public void visit(
        int version,
        int access,
        String name,
        String signature,
        String superName,
        String[] interfaces) {
      this.name = name;
      this.superName = superName;
      this.interfaces = List.of(interfaces == null ? new String[0] : interfaces);
    }

    @Override
    public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
      return new AnnotationReader(descriptor, annotations);
    }

    @Override
    public MethodVisitor visitMethod(
        int access, String name, String descriptor, String signature, String[] exceptions) {
      return new MethodReader(this, access, name, descriptor);
    }
  }

  private static final class MethodReader extends MethodVisitor {
    private final Reader owner;
    private final int access;
    private final String name;
    private final String descriptor;
    private final Type[] parameters;
    private final List<AnnotationValue> annotations = new ArrayList<>();
    private final List<List<AnnotationValue>> parameterAnnotations = new ArrayList<>();
    private final String[] declaredNames;
    private final Map<Integer, String> slotNames = new HashMap<>();
    private int declared;
    private int visibleOffset;
    private int invisibleOffset;
    private Label first;
    private Object defaultValue;
    private String bridged;

    MethodReader(Reader owner, int access, String name, String descriptor) {
      super(Opcodes.ASM9);
      this.owner = owner;
      this.access = access;
      this.name = name;
      this.descriptor = descriptor;
      this.parameters = Type.getArgumentTypes(descriptor);
      this.declaredNames = new String[parameters.length];
      for (int i = 0; i < parameters.length; i++) {
        parameterAnnotations.add(new ArrayList<>());
      }
    }

    @Override
    public void visitParameter(String parameterName, int parameterAccess) {
      if (declared < declaredNames.length) {
        declaredNames[declared++] = parameterName;
      }
    }

    @Override
    public AnnotationVisitor visitAnnotation(String annotationDescriptor, boolean visible) {
      return new AnnotationReader(annotationDescriptor, annotations);
    }

    @Override
    public void visitAnnotableParameterCount(int count, boolean visible) {
      // javac may leave synthetic leading parameters (an inner class's outer instance) out of the
      // count and number the annotated ones from 0: they are the last ones.
      int offset = Math.max(0, parameters.length - count);
      if (visible) {
        visibleOffset = offset;
      } else {
        invisibleOffset = offset;
      }
    }

    @Override
    public AnnotationVisitor visitParameterAnnotation(
        int parameter, String annotationDescriptor, boolean visible) {
      int index = parameter + (visible ? visibleOffset : invisibleOffset);
      return new AnnotationReader(
          annotationDescriptor,
          index < parameterAnnotations.size()
              ? parameterAnnotations.get(index)
              : new ArrayList<>());
    }

    @Override
    public AnnotationVisitor visitAnnotationDefault() {
      return new AnnotationReader(null, null) {
        @Override
        void value(String attribute, Object value) {
          defaultValue = value;
        }
      };
    }

    @Override
    public void visitLabel(Label label) {
      if (first == null) {
        first = label;
      }
    }

    @Override
    public void visitMethodInsn(
        int opcode, String methodOwner, String method, String methodDescriptor, boolean itf) {
      if ((access & Opcodes.ACC_BRIDGE) != 0
          && opcode != Opcodes.INVOKESTATIC
          && methodOwner.equals(owner.name)
          && method.equals(name)) {
        bridged = methodDescriptor;
      }
    }

    @Override
    public void visitLocalVariable(
        String variable, String desc, String signature, Label start, Label end, int index) {
      // A parameter's entry starts with the code; a later entry for its slot is another variable.
      if (start == first) {
        slotNames.putIfAbsent(index, variable);
      }
    }

    @Override
    public void visitEnd() {
      List<String> names = new ArrayList<>();
      int slot = (access & Opcodes.ACC_STATIC) != 0 ? 0 : 1;
      for (int i = 0; i < parameters.length; i++) {
        String parameterName = declaredNames[i];
        if (parameterName == null) {
          parameterName = slotNames.get(slot);
        }
        names.add(parameterName == null ? "arg" + i : parameterName);
        slot += parameters[i].getSize();
      }
      List<List<AnnotationValue>> byParameter = new ArrayList<>(parameterAnnotations.size());
      for (List<AnnotationValue> ofParameter : parameterAnnotations) {
        byParameter.add(List.copyOf(ofParameter));
      }
      owner.methods.add(
          new MethodModel(
              access,
              name,
              descriptor,
              List.copyOf(annotations),
              List.copyOf(byParameter),
              List.copyOf(names),
              defaultValue,
              bridged));
    }
  }

  /**
   * Reads an annotation's explicit values into a list, or (as a subclass) a default value or an
   * array's elements. No lambdas here: each would cost the first class with tools the spinning of a
   * class.
   */
  private static class AnnotationReader extends AnnotationVisitor {
    private final String descriptor;
    private final List<AnnotationValue> into;
    private final Map<String, Object> values = new LinkedHashMap<>();

    AnnotationReader(String descriptor, List<AnnotationValue> into) {
      super(Opcodes.ASM9);
      this.descriptor = descriptor;
      this.into = into;
    }

    void value(String attribute, Object value) {
      values.put(attribute, value);
    }

    /** Takes the annotation read; by default adds it to the list given. */
    void done(AnnotationValue annotation) {
      into.add(annotation);
    }

    @Override
    public void visit(String attribute, Object value) {
      value(attribute, value);
    }

    @Override
    public void visitEnum(String attribute, String enumDescriptor, String constant) {
      value(attribute, new EnumValue(enumDescriptor, constant));
    }

    @Override
    public AnnotationVisitor visitAnnotation(String attribute, String nestedDescriptor) {
      return new AnnotationReader(nestedDescriptor, null) {
        @Override
        void done(AnnotationValue nested) {
          AnnotationReader.this.value(attribute, nested);
        }
      };
    }

    @Override
    public AnnotationVisitor visitArray(String attribute) {
      List<Object> elements = new ArrayList<>();
      return new AnnotationReader(null, null) {
        @Override
        void value(String ignored, Object element) {
          elements.add(element);
        }

        @Override
        public void visitEnd() {
          AnnotationReader.this.value(attribute, List.copyOf(elements));
        }
      };
    }

    @Override
    public void visitEnd() {
      if (descriptor != null) {
        done(
            new AnnotationValue(
                AnnotationNames.className(descriptor),
                java.util.Collections.unmodifiableMap(values)));
      }
    }
  }
}
