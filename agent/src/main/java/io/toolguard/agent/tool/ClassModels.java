package io.toolguard.agent.tool;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The class files tool finding reads beside the class it looks at (its super types, the types of
 * its annotations), each read once: through the class's loader at run time, from the class path's
 * jars and folders on the command line. Not thread-safe: one per class looked at, or per scan.
 */
final class ClassModels {

  /** Where class files are found. */
  interface ClassFiles {
    /** {@return a class file's bytes by internal name, {@code null} when there is none} */
    byte[] find(String internalName);
  }

  private final ClassFiles classFiles;
  private final Map<String, Optional<ClassModel>> read = new HashMap<>();

  ClassModels(ClassFiles classFiles) {
    this.classFiles = classFiles;
  }

  /** {@return a class's model, if its class file can be found and read} */
  Optional<ClassModel> find(String internalName) {
    Optional<ClassModel> model = read.get(internalName);
    if (model == null) {
      model = Optional.empty();
      byte[] classFile = classFiles.find(internalName);
      if (classFile != null) {
        try {
          // Super types and annotation types: their methods' annotations are all that is needed.
          model = Optional.of(ClassModel.read(classFile, false));
        } catch (IllegalArgumentException unreadable) {
          // a class file ASM cannot read declares nothing we can know of
        }
      }
      read.put(internalName, model);
    }
    return model;
  }
}
