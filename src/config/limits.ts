/**
 * Bounds on what an experiment may hold. A real experiment is a few KB of
 * settings and at most hundreds of layers; these limits are far above that and
 * far below what would take tfexp minutes or gigabytes to read. Hostile or broken
 * input (a "billion laughs" alias bomb, a huge or binary file, `repeat` counts
 * that multiply out to millions of layers) is refused at once with a located
 * ConfigError, before the expensive work starts.
 */

/**
 * Largest experiment file tfexp reads: 1 MiB (1,048,576 bytes), for the named
 * file and each file of its `extends` chain. The size is checked before the
 * file is read (from its metadata, or while reading a pipe), so a bigger file
 * costs neither time nor memory.
 */
export const MAX_EXPERIMENT_FILE_BYTES = 1024 * 1024;

/**
 * Most layers a model may have after its `repeat` blocks are expanded: 10,000.
 * The count is multiplied out from the `repeat` counts before anything is
 * expanded, so `repeat: 1000` inside `repeat: 1000` is refused at once.
 */
export const MAX_LAYERS = 10_000;

/**
 * Deepest nesting of YAML flow collections (`[...]`, `{...}`) and of compact
 * block lists (`- - - x`) in an experiment file: 64 levels. An experiment
 * needs fewer than 20; deeper nesting makes the yaml library slow (seconds to
 * parse, minutes to convert nested keys) and is refused by a scan before parsing.
 */
export const MAX_YAML_NESTING = 64;

/**
 * Most YAML values an experiment file may hold: 20,000 scalars (keys included),
 * flow collections and list items. An experiment holds a few hundred (the
 * baseline, 120); 2,000 layers written out one by one fit. The YAML parser needs
 * 6-10 microseconds a value (2-core test machine, `[1,1,...]` the slowest per
 * value), so a file at the limit loads in about 0.3 s, and a 1 MiB file of
 * values (500,000 of them, 5 s to parse) is refused by a scan before the parser
 * (src/config/hostile.ts `scanYamlStructure`) in about 0.1 s.
 */
export const MAX_YAML_VALUES = 20_000;

/**
 * Most values YAML aliases (`*name`) may add to a document by repeating what an
 * anchor (`&name`) holds, counted with nested aliases multiplied out: 10,000.
 * Reusing a layer's settings a few times is far below it; an alias bomb
 * ("billion laughs": each level repeats the previous one nine times) is
 * refused at the alias that crosses it.
 */
export const MAX_ALIAS_VALUES = 10_000;

/** Most YAML syntax errors listed for one file (the rest are counted): 10. */
export const MAX_YAML_ERRORS_SHOWN = 10;
