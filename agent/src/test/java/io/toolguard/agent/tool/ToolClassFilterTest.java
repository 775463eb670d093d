package io.toolguard.agent.tool;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.bootstrap.BootstrapTesting;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ToolClassFilterTest {

  private final ToolClassFilter filter =
      new ToolClassFilter(new ToolAnnotations(List.of()), List.of());
  private final ClassLoader loader = getClass().getClassLoader();

  @AfterEach
  void leaveTools() {
    BootstrapTesting.reset();
  }

  @Test
  void theJdksApplicationLoaderTakesOnlyTheJdksModulesPackagesForTheJdks() {
    ClassLoader application = ClassLoader.getSystemClassLoader();
    for (String jdk :
        List.of(
            "java/util/AbstractList",
            "javax/swing/AbstractAction",
            "jdk/internal/misc/Unsafe",
            "sun/misc/Unsafe",
            "com/sun/net/httpserver/Filter")) {
      assertThat(filter.isJdks(application, jdk)).as(jdk).isTrue();
    }
    for (String theirs :
        List.of(
            "com/sun/toolguard/probe/Burner",
            "javax/toolguardprobe/Base",
            "jdk/toolguardprobe/Base",
            "com/example/Base")) {
      assertThat(filter.isJdks(application, theirs)).as(theirs).isFalse();
    }
    ClassLoader own = new ClassLoader(application) {};
    assertThat(filter.isJdks(own, "javax/swing/AbstractAction"))
        .as("a loader of the application's own may define it itself")
        .isFalse();
    assertThat(filter.isJdks(own, "java/util/AbstractList")).isTrue();
  }

  @Test
  void aClassNamingAToolAnnotationMayDeclareTools() {
    assertThat(mayDeclareTools(ToolAnnotationsTest.Direct.class)).isTrue();
  }

  @Test
  void aClassWhoseInterfaceOrSuperclassDeclaresToolsMayDeclareToolsThoughItsOwnBytesNameNone() {
    assertThat(
            new String(
                bytes(ToolAnnotationsTest.SmtpMailer.class),
                java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("Tool;");

    assertThat(mayDeclareTools(ToolAnnotationsTest.SmtpMailer.class)).isTrue();
    assertThat(mayDeclareTools(ToolAnnotationsTest.Overriding.class)).isTrue();
    assertThat(mayDeclareTools(Grandchild.class)).as("two levels down").isTrue();
  }

  @Test
  void aSuperTypeReadAheadForItsSubclassIsNotReadAgainWhenItLoads() {
    assertThat(mayDeclareTools(Grandchild.class)).isTrue();

    // Handed another class's bytes under its name, Overriding is still answered from what was read
    // ahead.
    assertThat(
            filter.mayDeclareTools(
                loader,
                ToolAnnotationsTest.Overriding.class.getName().replace('.', '/'),
                bytes(Plain.class)))
        .isTrue();
  }

  @Test
  void aClassNamingAToolAnnotationIsRememberedForItsSubclasses() {
    // A loader that sees the tool annotations but has no class file for x/Base: only what was
    // learnt when x/Base itself loaded can say that x/Child may inherit tools from it.
    ClassLoader noFiles =
        new ClassLoader(loader) {
          @Override
          public java.io.InputStream getResourceAsStream(String name) {
            return name.startsWith("x/") ? null : super.getResourceAsStream(name);
          }
        };

    assertThat(filter.mayDeclareTools(noFiles, "x/Child", childOfBase("x/Child")))
        .as("nothing known of x/Base yet")
        .isFalse();
    assertThat(filter.mayDeclareTools(noFiles, "x/Base", bytes(ToolAnnotationsTest.Direct.class)))
        .isTrue();
    assertThat(filter.mayDeclareTools(noFiles, "x/Child2", childOfBase("x/Child2"))).isTrue();
  }

  /** {@return the class file of an empty class of this name extending x/Base} */
  private static byte[] childOfBase(String name) {
    return childOf(name, "x/Base");
  }

  /** {@return the class file of an empty class of this name extending {@code superName}} */
  private static byte[] childOf(String name, String superName) {
    ClassWriter child = new ClassWriter(0);
    child.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, name, null, superName, null);
    child.visitEnd();
    return child.toByteArray();
  }

  @Test
  void aClassWithNothingToDoWithToolsMayNot() {
    assertThat(mayDeclareTools(Plain.class)).isFalse();
    assertThat(mayDeclareTools(PlainChild.class)).isFalse();
  }

  @Test
  void aLoaderThatSeesNoToolAnnotationCostsOnlyTheScan() {
    ClassLoader blind = new ClassLoader(ClassLoader.getPlatformClassLoader()) {};

    assertThat(filter.mayDeclareTools(blind, "x/Impl", bytes(ToolAnnotationsTest.SmtpMailer.class)))
        .isFalse();
  }

  @Test
  void aLoaderThatPassesForTheApplicationsDoesNotAnswerForItsClasses() {
    // Sees the tool annotations through its parent, equals every loader, hashes as the
    // application's: a tool's loader posing as the application's, whose answers for a class name
    // must not be taken for the application's class of that name.
    ClassLoader poser =
        new ClassLoader(loader) {
          @Override
          public boolean equals(Object other) {
            return true;
          }

          @Override
          public int hashCode() {
            return loader.hashCode();
          }
        };
    // a class whose tools it inherits: its own bytes name no tool annotation
    String name = ToolAnnotationsTest.SmtpMailer.class.getName().replace('.', '/');
    assertThat(mayDeclareTools(Plain.class)).as("the application's loader, known first").isFalse();

    assertThat(filter.mayDeclareTools(poser, name, bytes(Plain.class))).isFalse();
    assertThat(filter.mayDeclareTools(loader, name, bytes(ToolAnnotationsTest.SmtpMailer.class)))
        .as("the application's class, answered for the application's loader")
        .isTrue();
  }

  @Test
  void superTypesReadFromTheClassPathsAloneAnswerAsTheLoadersResourcesDo() {
    // The application's own unnamed module stands in for the boot class path's here, which only
    // toolguard's bootstrap package, defined into the bootstrap loader, can name.
    ToolClassFilter fromClassPaths =
        new ToolClassFilter(new ToolAnnotations(List.of()), List.of(), loader.getUnnamedModule());

    assertThat(
            fromClassPaths.mayDeclareTools(
                loader,
                name(ToolAnnotationsTest.SmtpMailer.class),
                bytes(ToolAnnotationsTest.SmtpMailer.class)))
        .isTrue();
    assertThat(
            fromClassPaths.mayDeclareTools(loader, name(Grandchild.class), bytes(Grandchild.class)))
        .isTrue();
    assertThat(
            fromClassPaths.mayDeclareTools(loader, name(PlainChild.class), bytes(PlainChild.class)))
        .isFalse();
    for (Class<?> type : List.of(Grandchild.class, ToolAnnotationsTest.Mailer.class, Plain.class)) {
      assertThat(fromClassPaths.definedClassFile(loader, name(type))).isEqualTo(bytes(type));
    }
    // a class in a package of the JDK's modules, and one nobody has: as the loader's resources
    assertThat(fromClassPaths.definedClassFile(loader, "java/lang/String"))
        .isEqualTo(ToolClassFilter.classFile(loader, "java/lang/String"));
    assertThat(fromClassPaths.definedClassFile(loader, "x/Nowhere")).isNull();
  }

  @Test
  void aClassMarkedOnlyThroughAnAnnotationStandingForSpringAisToolMayDeclareTools() {
    for (Class<?> type : List.of(Briefings.class, Digests.class, QuietBriefer.class)) {
      assertThat(new String(bytes(type), java.nio.charset.StandardCharsets.ISO_8859_1))
          .as(type + " names no tool annotation itself")
          .doesNotContain("Tool;")
          .doesNotContain("Tool<");
    }

    assertThat(mayDeclareTools(Briefings.class)).isTrue();
    assertThat(mayDeclareTools(Digests.class)).as("two levels of annotations").isTrue();
    assertThat(mayDeclareTools(QuietBriefer.class))
        .as("implementing a method its interface marks so")
        .isTrue();
    assertThat(mayDeclareTools(Coiled.class))
        .as("through annotations that mark each other")
        .isTrue();
    assertThat(mayDeclareTools(Spiralled.class)).isTrue();
  }

  @Test
  void bytesRefusedUnderAToolClassNameDoNotAnswerForTheClass() {
    // Handed to the loader under QuietBriefer's name by code in a tool before it loads, and refused
    // by the JVM (another class's bytes: the name in them is not the one asked for), they answer
    // "no tools" for those bytes alone.
    BootstrapTesting.enterTool("tool");
    String quiet = name(QuietBriefer.class);
    byte[] real = bytes(QuietBriefer.class);
    byte[] refused = bytes(Plain.class);

    assertThat(filter.mayDeclareTools(loader, quiet, refused)).isFalse();
    assertThat(filter.mayDeclareTools(loader, quiet, real))
        .as("the class itself, loading later")
        .isTrue();
  }

  @Test
  void bytesRefusedUnderASuperTypesNameDoNotAnswerForItsSubclasses() {
    // Forged under Mailer's name by code in a tool before it loads, refused by the JVM:
    // SmtpMailer, which implements Mailer's tool, loads next (the JVM hands a subclass over before
    // its super types).
    BootstrapTesting.enterTool("tool");
    assertThat(
            filter.mayDeclareTools(
                loader, name(ToolAnnotationsTest.Mailer.class), bytes(Plain.class)))
        .isFalse();

    assertThat(mayDeclareTools(ToolAnnotationsTest.SmtpMailer.class)).isTrue();
  }

  @Test
  void outsideToolsAClassLoadedWithoutToolsAnswersForItsSubclassesUnread() {
    java.util.List<String> read = new java.util.ArrayList<>();
    ClassLoader recording = recording(read);
    String plain = name(Plain.class);

    assertThat(filter.mayDeclareTools(recording, plain, bytes(Plain.class))).isFalse();
    assertThat(filter.mayDeclareTools(recording, "x/Child", childOf("x/Child", plain))).isFalse();
    assertThat(read).doesNotContain(plain + ".class");
  }

  @Test
  void insideAToolAClassLoadedWithoutToolsIsReadAgainForItsSubclasses() {
    java.util.List<String> read = new java.util.ArrayList<>();
    ClassLoader recording = recording(read);
    String plain = name(Plain.class);
    BootstrapTesting.enterTool("tool");

    assertThat(filter.mayDeclareTools(recording, plain, bytes(Plain.class))).isFalse();
    assertThat(filter.mayDeclareTools(recording, "x/Child", childOf("x/Child", plain))).isFalse();
    assertThat(read).containsOnlyOnce(plain + ".class");
  }

  @Test
  void aNoThatLeantOnASuperTypeMadeInMemoryLaterDoesNotAnswerForTheClassesBelow() {
    // x/Base is made in memory (no class file) with tools; x/Mid and x/Leaf have files. The JVM's
    // order, outside tools: x/Mid handed over, then its super class x/Base defined (its tools seen
    // then), then, later, x/Leaf, which inherits x/Base's tools through x/Mid.
    java.util.Map<String, byte[]> files =
        java.util.Map.of(
            "x/Mid.class", childOf("x/Mid", "x/Base"), "x/Leaf.class", childOf("x/Leaf", "x/Mid"));
    ClassLoader mixed = serving(files, name -> name.startsWith("x/"));

    assertThat(filter.mayDeclareTools(mixed, "x/Mid", files.get("x/Mid.class"))).isFalse();
    assertThat(filter.mayDeclareTools(mixed, "x/Base", bytes(ToolAnnotationsTest.Direct.class)))
        .isTrue();
    assertThat(filter.mayDeclareTools(mixed, "x/Leaf", files.get("x/Leaf.class"))).isTrue();
  }

  @Test
  void aNoFromBytesThatFailedToLoadDoesNotAnswerForOtherBytesUnderTheName() {
    // Outside tools the application tries x/Gone, which the JVM refuses after the transformer saw
    // it (its super class missing, say); later other bytes are defined under the name that
    // implement Mailer's tool.
    assertThat(filter.mayDeclareTools(loader, "x/Gone", childOf("x/Gone", name(Plain.class))))
        .isFalse();
    BootstrapTesting.enterTool("tool");

    assertThat(
            filter.mayDeclareTools(
                loader, "x/Gone", childOf("x/Gone", name(ToolAnnotationsTest.Mailer.class))))
        .isTrue();
  }

  @Test
  void aRedefinitionIsLookedAtWhateverWasLearntOfTheClass() {
    // x/Quiet's class file declares no tools, as read ahead for a subclass and as it loaded; an
    // agent's redefinition (a hot swap) then marks a method through an annotation that stands for
    // Spring AI's tool.
    ClassLoader serving = quietReadAhead();
    assertThat(filter.mayDeclareTools(serving, "x/Quiet", quiet())).isFalse();

    assertThat(filter.mayDeclareTools(serving, "x/Quiet", bytes(Briefings.class), true)).isTrue();
    assertThat(filter.mayDeclareTools(serving, "x/Later", childOf("x/Later", "x/Quiet")))
        .as("a subclass loaded after the redefinition")
        .isTrue();
  }

  @Test
  void insideAToolTheBytesAreLookedAtWhateverTheClassFileSaid() {
    // x/Quiet's class file, read ahead for a subclass, declares no tools; code in a tool then
    // hands the loader other bytes under its name, marked through an annotation that stands for
    // Spring AI's tool.
    ClassLoader serving = quietReadAhead();
    BootstrapTesting.enterTool("tool");

    assertThat(filter.mayDeclareTools(serving, "x/Quiet", bytes(Briefings.class))).isTrue();
  }

  /**
   * {@return a loader serving x/Quiet, which declares no tools, and x/Below, which extends it;
   * x/Below looked at, so x/Quiet's file is read ahead}
   */
  private ClassLoader quietReadAhead() {
    byte[] below = childOf("x/Below", "x/Quiet");
    ClassLoader serving =
        serving(java.util.Map.of("x/Quiet.class", quiet(), "x/Below.class", below), name -> false);
    assertThat(filter.mayDeclareTools(serving, "x/Below", below)).isFalse();
    return serving;
  }

  private static byte[] quiet() {
    return childOf("x/Quiet", name(Plain.class));
  }

  @Test
  void superTypesReachedByManyPathsAreReadOncePerLook() {
    // x/A{k} and x/B{k} each extend x/A{k+1} and x/B{k+1}; the last two extend x/Top, which has
    // no class file, so none of them is settled: walked path by path, a class below them would
    // read 2^16 files.
    int depth = 16;
    java.util.Map<String, byte[]> files = new java.util.HashMap<>();
    for (int k = 0; k <= depth; k++) {
      for (String side : List.of("A", "B")) {
        ClassWriter writer = new ClassWriter(0);
        writer.visit(
            Opcodes.V17,
            Opcodes.ACC_PUBLIC | Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT,
            "x/" + side + k,
            null,
            "java/lang/Object",
            k == depth ? new String[] {"x/Top"} : new String[] {"x/A" + (k + 1), "x/B" + (k + 1)});
        writer.visitEnd();
        files.put("x/" + side + k + ".class", writer.toByteArray());
      }
    }
    java.util.List<String> read = new java.util.ArrayList<>();
    ClassLoader lattice = serving(files, name -> name.startsWith("x/"));
    ClassLoader counting =
        new ClassLoader(lattice) {
          @Override
          public java.io.InputStream getResourceAsStream(String name) {
            if (name.startsWith("x/")) {
              read.add(name);
            }
            return super.getResourceAsStream(name);
          }
        };
    ClassWriter below = new ClassWriter(0);
    below.visit(
        Opcodes.V17,
        Opcodes.ACC_PUBLIC,
        "x/C",
        null,
        "java/lang/Object",
        new String[] {"x/A0", "x/B0"});
    below.visitEnd();

    assertThat(filter.mayDeclareTools(counting, "x/C", below.toByteArray())).isFalse();
    assertThat(read).hasSizeLessThanOrEqualTo(2 * (depth + 1) + 1);
  }

  @Test
  void aHierarchyWiderThanIsReadMayDeclareTools() {
    // x/Wide implements 300 interfaces, each with a class file of its own and nothing settled
    // above it (x/Top has none): past 256 reads the class may declare tools, unread.
    java.util.Map<String, byte[]> files = new java.util.HashMap<>();
    String[] interfaces = new String[300];
    for (int i = 0; i < interfaces.length; i++) {
      interfaces[i] = "x/I" + i;
      ClassWriter writer = new ClassWriter(0);
      writer.visit(
          Opcodes.V17,
          Opcodes.ACC_PUBLIC | Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT,
          interfaces[i],
          null,
          "java/lang/Object",
          new String[] {"x/Top"});
      writer.visitEnd();
      files.put(interfaces[i] + ".class", writer.toByteArray());
    }
    ClassWriter wide = new ClassWriter(0);
    wide.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "x/Wide", null, "java/lang/Object", interfaces);
    wide.visitEnd();

    assertThat(
            filter.mayDeclareTools(
                serving(files, name -> name.startsWith("x/")), "x/Wide", wide.toByteArray()))
        .isTrue();
  }

  @Test
  void aSuperTypeWithoutAFileWhenReadAheadIsReadForItselfWhenItIsDefined() {
    // x/Base has no class file (a loader that makes it in memory): read ahead for x/Child it
    // answers nothing; defined later, its own annotations are read.
    ClassLoader inMemory = withoutFiles(name -> name.startsWith("x/"));

    assertThat(filter.mayDeclareTools(inMemory, "x/Child", childOfBase("x/Child"))).isFalse();
    assertThat(filter.mayDeclareTools(inMemory, "x/Base", bytes(Briefings.class)))
        .as("marked through an annotation that stands for Spring AI's tool")
        .isTrue();
  }

  @Test
  void aHierarchyDeeperThanIsLookedIntoMayDeclareTools() {
    // x/H0 extends x/H1 … extends x/H64 extends Overriding, which inherits a tool from Base: the
    // search stops at Overriding, 64 super types up, which must not be taken for one without tools.
    java.util.Map<String, byte[]> chain = new java.util.HashMap<>();
    for (int i = 0; i <= 64; i++) {
      ClassWriter writer = new ClassWriter(0);
      writer.visit(
          Opcodes.V17,
          Opcodes.ACC_PUBLIC,
          "x/H" + i,
          null,
          i == 64 ? name(ToolAnnotationsTest.Overriding.class) : "x/H" + (i + 1),
          null);
      writer.visitEnd();
      chain.put("x/H" + i + ".class", writer.toByteArray());
    }
    ClassLoader deep =
        new ClassLoader(loader) {
          @Override
          public java.io.InputStream getResourceAsStream(String name) {
            byte[] file = chain.get(name);
            return file != null
                ? new java.io.ByteArrayInputStream(file)
                : super.getResourceAsStream(name);
          }
        };

    assertThat(filter.mayDeclareTools(deep, "x/H0", chain.get("x/H0.class"))).isTrue();
    assertThat(
            filter.mayDeclareTools(
                deep,
                name(ToolAnnotationsTest.Overriding.class),
                bytes(ToolAnnotationsTest.Overriding.class)))
        .as("the class the search stopped at, loading later")
        .isTrue();
  }

  @Test
  void aClassThatOnlyMentionsAToolAnnotationMayNot() {
    assertThat(new String(bytes(Mentions.class), java.nio.charset.StandardCharsets.ISO_8859_1))
        .contains("Lio/toolguard/api/Tool;");

    assertThat(mayDeclareTools(Mentions.class)).isFalse();
  }

  @Test
  void annotationsThatLeadToNoToolAnnotationMarkNothing() {
    assertThat(mayDeclareTools(Looping.class))
        .as("annotations that only mark each other")
        .isFalse();
    assertThat(mayDeclareTools(Unmarked.class)).isFalse();
    assertThat(mayDeclareTools(AnnotatedByTheJdk.class)).isFalse();
  }

  @Test
  void anAnnotationTypeIsReadOncePerLoader() {
    java.util.List<String> read = new java.util.ArrayList<>();
    ClassLoader counting = recording(read);
    String briefing = name(Briefing.class) + ".class";

    assertThat(filter.mayDeclareTools(counting, name(Briefings.class), bytes(Briefings.class)))
        .isTrue();
    assertThat(filter.mayDeclareTools(counting, "x/Again", bytes(Briefings.class))).isTrue();
    assertThat(filter.mayDeclareTools(counting, "x/Unmarked", bytes(Unmarked.class))).isFalse();
    assertThat(filter.mayDeclareTools(counting, "x/Unmarked2", bytes(Unmarked.class))).isFalse();

    assertThat(read).filteredOn(briefing::equals).hasSize(1);
    assertThat(read).filteredOn((name(Unrelated.class) + ".class")::equals).hasSize(1);
  }

  @Test
  void anAnnotationTheLoaderHasNoClassFileForMarksNothing() {
    ClassLoader noFiles = withoutFiles(name -> name.contains("Briefing"));

    assertThat(filter.mayDeclareTools(noFiles, "x/Briefings", bytes(Briefings.class))).isFalse();
  }

  @Test
  void aClassFileThereButUnreadableForAMomentIsNotTakenForOneThatIsNot() {
    java.util.concurrent.atomic.AtomicBoolean unreadable =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    ClassLoader flaky = flaky(unreadable, "Briefing", "Unrelated");

    assertThat(filter.mayDeclareTools(flaky, "x/First", bytes(Briefings.class)))
        .as("the annotation type cannot be read")
        .isTrue();
    assertThat(filter.mayDeclareTools(flaky, "x/Unmarked", bytes(Unmarked.class))).isTrue();
    unreadable.set(false);
    assertThat(filter.mayDeclareTools(flaky, "x/Later", bytes(Briefings.class))).isTrue();
    assertThat(filter.mayDeclareTools(flaky, "x/Unmarked2", bytes(Unmarked.class)))
        .as("nothing was learnt while it could not be read")
        .isFalse();
  }

  @Test
  void aSuperTypeThereButUnreadableForAMomentIsNotTakenForOneThatIsNot() {
    java.util.concurrent.atomic.AtomicBoolean unreadable =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    ClassLoader flaky = flaky(unreadable, "Briefer");

    assertThat(filter.mayDeclareTools(flaky, "x/First", bytes(QuietBriefer.class))).isTrue();
    unreadable.set(false);
    assertThat(filter.mayDeclareTools(flaky, "x/Later", bytes(QuietBriefer.class))).isTrue();
  }

  /** {@return a loader like the test's, with no class file of a name {@code absent} accepts} */
  private ClassLoader withoutFiles(java.util.function.Predicate<String> absent) {
    return new ClassLoader(loader) {
      @Override
      public java.io.InputStream getResourceAsStream(String name) {
        return absent.test(name) ? null : super.getResourceAsStream(name);
      }

      @Override
      public java.net.URL getResource(String name) {
        return absent.test(name) ? null : super.getResource(name);
      }
    };
  }

  /**
   * {@return a loader like the test's that serves {@code files} as its class files, and has none of
   * a name {@code absent} accepts}
   */
  private ClassLoader serving(
      java.util.Map<String, byte[]> files, java.util.function.Predicate<String> absent) {
    return new ClassLoader(loader) {
      @Override
      public java.io.InputStream getResourceAsStream(String name) {
        byte[] file = files.get(name);
        if (file != null) {
          return new java.io.ByteArrayInputStream(file);
        }
        return absent.test(name) ? null : super.getResourceAsStream(name);
      }

      @Override
      public java.net.URL getResource(String name) {
        return files.containsKey(name) || absent.test(name) ? null : super.getResource(name);
      }
    };
  }

  /** {@return a loader like the test's, that notes each resource read from it in {@code read}} */
  private ClassLoader recording(java.util.List<String> read) {
    return new ClassLoader(loader) {
      @Override
      public java.io.InputStream getResourceAsStream(String name) {
        read.add(name);
        return super.getResourceAsStream(name);
      }
    };
  }

  /**
   * {@return a loader that has the class files whose names contain one of {@code parts}, but cannot
   * read them while {@code unreadable} is set}: its {@code getResourceAsStream} answers null then,
   * as the JDK's loaders do for a file they find but cannot read (too many files open)
   */
  private ClassLoader flaky(java.util.concurrent.atomic.AtomicBoolean unreadable, String... parts) {
    return new ClassLoader(loader) {
      @Override
      public java.io.InputStream getResourceAsStream(String name) {
        for (String part : parts) {
          if (unreadable.get() && name.contains(part)) {
            return null;
          }
        }
        return super.getResourceAsStream(name);
      }
    };
  }

  @Test
  void aLoaderKeepsAnswersForNoMoreClassesThanItMayKnow() {
    // A tool hands its loader bytes under made-up names, without end (Lookup.defineClass): with
    // tools and without, over a super type not loaded and one that has no class file.
    ToolClassFilter bounded = smallFilter();
    for (int i = 0; i < 500; i++) {
      bounded.mayDeclareTools(loader, "x/Forged" + i, childOf("x/Forged" + i, name(Plain.class)));
      bounded.mayDeclareTools(loader, "x/Marked" + i, bytes(ToolAnnotationsTest.Direct.class));
      bounded.mayDeclareTools(loader, "x/Orphan" + i, childOf("x/Orphan" + i, "x/Missing" + i));
    }

    assertThat(bounded.knownClasses(loader)).isLessThanOrEqualTo(SMALL);
  }

  @Test
  void pastTheMostKnownAClassBelowATypeNotKnownMayDeclareTools() {
    ToolClassFilter bounded = smallFilter();
    assertThat(bounded.mayDeclareTools(loader, name(Plain.class), bytes(Plain.class))).isFalse();
    fill(bounded, loader);

    assertThat(bounded.mayDeclareTools(loader, "x/Kid", childOf("x/Kid", name(Plain.class))))
        .as("its super class known before the loader's answers were full")
        .isFalse();
    assertThat(bounded.mayDeclareTools(loader, "x/Grandkid", childOf("x/Grandkid", "x/NotKnown")))
        .isTrue();
    assertThat(bounded.mayDeclareTools(loader, name(PlainChild.class), bytes(PlainChild.class)))
        .as("its super class known, its own bytes read")
        .isFalse();
  }

  @Test
  void aToolClassNotKeptPastTheMostKnownStillAnswersForItsSubclasses() {
    // x/Base is made in memory with tools once nothing more can be kept: its class below, which
    // has no file to read for it either, must not be taken for one that inherits none.
    ClassLoader inMemory = withoutFiles(name -> name.startsWith("x/"));
    ToolClassFilter bounded = smallFilter();
    fill(bounded, inMemory);

    assertThat(bounded.mayDeclareTools(inMemory, "x/Base", bytes(ToolAnnotationsTest.Direct.class)))
        .isTrue();
    assertThat(bounded.mayDeclareTools(inMemory, "x/Child", childOfBase("x/Child"))).isTrue();
  }

  @Test
  void classesAboveMadeUpNamesKeepNothing() {
    // A tool hands its loader classes whose super types have no class file, without end: each
    // answers "none yet", which is not kept.
    ClassLoader fresh = new ClassLoader(loader) {};
    for (int i = 0; i < 200; i++) {
      assertThat(
              filter.mayDeclareTools(
                  fresh, "x/Orphan" + i, childOf("x/Orphan" + i, "x/Missing" + i)))
          .isFalse();
    }

    assertThat(filter.knownClasses(fresh)).isZero();
  }

  @Test
  void twoThreadsAtALoadersFirstClassesKeepTheirAnswersInOneMap() throws Exception {
    // Thread A asks first and is held inside the loader's resource look-up (whether it sees a tool
    // annotation); meanwhile thread B loads x/Base, made in memory with tools; then A goes on.
    java.util.concurrent.CountDownLatch inLookUp = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean held =
        new java.util.concurrent.atomic.AtomicBoolean();
    ClassLoader racing =
        new ClassLoader(loader) {
          @Override
          public java.net.URL getResource(String name) {
            if (held.compareAndSet(false, true)) {
              inLookUp.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return super.getResource(name);
          }

          @Override
          public java.io.InputStream getResourceAsStream(String name) {
            return name.startsWith("x/") ? null : super.getResourceAsStream(name);
          }
        };
    Thread first =
        new Thread(() -> filter.mayDeclareTools(racing, name(Plain.class), bytes(Plain.class)));
    first.start();
    inLookUp.await();
    assertThat(filter.mayDeclareTools(racing, "x/Base", bytes(ToolAnnotationsTest.Direct.class)))
        .isTrue();
    release.countDown();
    first.join();

    assertThat(filter.mayDeclareTools(racing, "x/Child", childOfBase("x/Child")))
        .as("x/Base's tools, learnt on the second thread, answer for the class below it")
        .isTrue();
  }

  @Test
  void theWarningThatALoadersAnswersAreFullWaitsForNoLockOfSystemErr() throws Exception {
    // A tool holds System.err's lock on a thread of its own (printf holds it while an argument
    // formats itself) and fills the loader's answers; an application thread then loads a class.
    java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.io.PrintStream runners = System.err;
    // the JVM's kind of System.err (a test runner's may print without the lock)
    System.setErr(
        new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true));
    Thread tool =
        new Thread(
            () ->
                System.err.printf(
                    "%s%n",
                    new java.util.Formattable() {
                      @Override
                      public void formatTo(
                          java.util.Formatter formatter, int flags, int width, int precision) {
                        holding.countDown();
                        try {
                          release.await();
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        formatter.format("released");
                      }
                    }));
    tool.setDaemon(true);
    tool.start();
    try {
      holding.await();
      ToolClassFilter bounded = smallFilter();
      fill(bounded, loader);

      assertThat(
              java.util.concurrent.CompletableFuture.supplyAsync(
                      () ->
                          bounded.mayDeclareTools(
                              loader, "y/Next", childOf("y/Next", name(PlainChild.class))))
                  .get(10, java.util.concurrent.TimeUnit.SECONDS))
          .isTrue();
    } finally {
      release.countDown();
      System.setErr(runners);
    }
  }

  /** How many classes {@link #smallFilter} keeps answers for, per loader. */
  private static final int SMALL = 16;

  private static ToolClassFilter smallFilter() {
    return new ToolClassFilter(new ToolAnnotations(List.of()), List.of(), null, SMALL);
  }

  /** Fills the filter's answers for the loader with classes that declare no tools. */
  private void fill(ToolClassFilter bounded, ClassLoader of) {
    for (int i = 0; bounded.knownClasses(of) < SMALL; i++) {
      bounded.mayDeclareTools(of, "y/Filler" + i, childOf("y/Filler" + i, name(Plain.class)));
    }
  }

  @Test
  void aClassWithMoreAnnotationTypesThanAreLookedAtMayDeclareToolsUnread() {
    ClassWriter writer = new ClassWriter(0);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "x/Many", null, "java/lang/Object", null);
    for (int i = 0; i < 100; i++) {
      writer.visitAnnotation("Lx/Absent" + i + ";", true).visitEnd();
    }
    writer.visitEnd();
    java.util.List<String> read = new java.util.ArrayList<>();
    ClassLoader counting = recording(read);

    assertThat(filter.mayDeclareTools(counting, "x/Many", writer.toByteArray())).isTrue();
    assertThat(read).filteredOn(name -> name.startsWith("x/Absent")).isEmpty();
  }

  @Test
  void aClassWhoseAnnotationsCannotBeReadMayDeclareTools() {
    byte[] classFile = bytes(Unmarked.class);
    // the last '@' of the class file: a value tag or an index, either way unreadable as it stands
    byte[] broken = classFile.clone();
    String text = new String(broken, java.nio.charset.StandardCharsets.ISO_8859_1);
    int descriptor = text.lastIndexOf("L" + name(Unrelated.class) + ";");
    assertThat(descriptor).isPositive();
    // the annotation's type index, pointed at a constant that is no UTF-8 entry (index 1, a
    // method reference in javac's output)
    int typeIndex = text.length() - 1;
    while (typeIndex > 0
        && !(broken[typeIndex] == 0 && (broken[typeIndex + 1] & 0xff) == utf8Index(classFile))) {
      typeIndex--;
    }
    assertThat(typeIndex).isPositive();
    broken[typeIndex + 1] = 1;

    assertThat(filter.mayDeclareTools(loader, "x/Broken", broken)).isTrue();
  }

  /** {@return the index of the UTF-8 entry holding {@link Unrelated}'s descriptor} */
  private int utf8Index(byte[] classFile) {
    net.bytebuddy.jar.asm.ClassReader asm = new net.bytebuddy.jar.asm.ClassReader(classFile);
    String wanted = "L" + name(Unrelated.class) + ";";
    for (int index = 1; index < asm.getItemCount(); index++) {
      int offset = asm.getItem(index);
      if (offset != 0
          && classFile[offset - 1] == 1
          && wanted.equals(asm.readUTF8(offset, new char[wanted.length() * 2]))) {
        return index;
      }
    }
    throw new AssertionError("no UTF-8 entry " + wanted);
  }

  private static String name(Class<?> type) {
    return type.getName().replace('.', '/');
  }

  private boolean mayDeclareTools(Class<?> type) {
    return filter.mayDeclareTools(loader, type.getName().replace('.', '/'), bytes(type));
  }

  private byte[] bytes(Class<?> type) {
    return ToolClassFilter.classFile(loader, type.getName().replace('.', '/'));
  }

  static class Grandchild extends ToolAnnotationsTest.Overriding {}

  static class Plain implements Runnable {
    @Override
    public void run() {}
  }

  static class PlainChild extends Plain {}

  /** Stands for Spring AI's {@code @Tool}; nothing in its name says so. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
  @org.springframework.ai.tool.annotation.Tool
  @interface Briefing {}

  /** Stands for {@link Briefing}. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @Briefing
  @interface Digest {}

  @Retention(RetentionPolicy.RUNTIME)
  @interface Unrelated {}

  /** {@link Loop} and {@link Looped} mark each other, and nothing else. */
  @Retention(RetentionPolicy.RUNTIME)
  @Looped
  @interface Loop {}

  @Retention(RetentionPolicy.RUNTIME)
  @Loop
  @interface Looped {}

  /**
   * {@link Coil} and {@link Spiral} mark each other, and Spiral stands for Spring AI's tool too.
   */
  @Retention(RetentionPolicy.RUNTIME)
  @Spiral
  @interface Coil {}

  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
  @Coil
  @Briefing
  @interface Spiral {}

  static class Briefings {
    @Briefing
    public String brief() {
      return "brief";
    }
  }

  static class Digests {
    @Digest
    public String digest() {
      return "digest";
    }
  }

  interface Briefer {
    @Briefing
    String recap();
  }

  static class QuietBriefer implements Briefer {
    @Override
    public String recap() {
      return "recap";
    }
  }

  static class Coiled {
    @Coil
    public void run() {}
  }

  static class Spiralled {
    @Spiral
    public void run() {}
  }

  static class Looping {
    @Loop
    public void run() {}
  }

  static class Unmarked {
    @Unrelated
    public void run() {}
  }

  /** Takes a tool annotation as a value, and uses its type: no annotation of it is on a method. */
  static class Mentions {
    String nameOf(io.toolguard.api.Tool tool) {
      return tool.name() + io.toolguard.api.Tool.class;
    }
  }

  static class AnnotatedByTheJdk {
    @Deprecated
    public void run() {}
  }
}
