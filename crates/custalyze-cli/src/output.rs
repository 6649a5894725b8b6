//! Where a command writes its table: a file, or standard output for `-`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::CliError;

/// A buffered writer to `path`, or to standard output when `path` is `-`.
///
/// # Errors
/// [`CliError`] naming the path when the file cannot be created.
pub fn writer(path: &Path) -> Result<Box<dyn Write>, CliError> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(BufWriter::new(std::io::stdout().lock())));
    }
    let f = File::create(path)
        .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))?;
    Ok(Box::new(BufWriter::new(f)))
}

/// Writes `value` as pretty JSON with a final newline to `path`, or to standard output for `-`.
///
/// # Errors
/// [`CliError`] naming the path when the file cannot be written.
pub fn write_json(path: &Path, value: &impl serde::Serialize) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value)?;
    let mut w = writer(path)?;
    writeln!(w, "{text}")
        .and_then(|()| w.flush())
        .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))
}
