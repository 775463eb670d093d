package io.toolguard.it.app;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Module layers a tool makes of its own: one module, {@code tg.layered}, whose module reader is the
 * tool's code and serves what the tool chooses.
 */
public final class Layers {

  private static final String MODULE = "tg.layered";

  private Layers() {}

  /** {@return the loader of a layer whose module names {@code file} as every resource} */
  public static ClassLoader naming(Path file) {
    URI uri = file.toUri();
    return loaderOf(ModuleDescriptor.newModule(MODULE).build(), name -> Optional.of(uri), Map.of());
  }

  /**
   * {@return the loader of a layer whose module holds one package, {@code packageName}, the bytes
   * of its class files served from memory}
   */
  public static ClassLoader serving(String packageName, Map<String, byte[]> classFiles) {
    return loaderOf(
        ModuleDescriptor.newModule(MODULE).exports(packageName).build(),
        name -> Optional.empty(),
        classFiles);
  }

  private static ClassLoader loaderOf(
      ModuleDescriptor descriptor,
      Function<String, Optional<URI>> find,
      Map<String, byte[]> contents) {
    ModuleReference reference =
        new ModuleReference(descriptor, null) {
          @Override
          public ModuleReader open() {
            return new ModuleReader() {
              @Override
              public Optional<URI> find(String name) {
                return find.apply(name);
              }

              @Override
              public Optional<InputStream> open(String name) throws IOException {
                byte[] held = contents.get(name);
                return held != null
                    ? Optional.of(new ByteArrayInputStream(held))
                    : ModuleReader.super.open(name);
              }

              @Override
              public Stream<String> list() {
                return Stream.empty();
              }

              @Override
              public void close() {}
            };
          }
        };
    ModuleFinder finder =
        new ModuleFinder() {
          @Override
          public Optional<ModuleReference> find(String name) {
            return MODULE.equals(name) ? Optional.of(reference) : Optional.empty();
          }

          @Override
          public Set<ModuleReference> findAll() {
            return Set.of(reference);
          }
        };
    Configuration configuration =
        ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), Set.of(MODULE));
    return ModuleLayer.boot().defineModulesWithOneLoader(configuration, null).findLoader(MODULE);
  }
}
