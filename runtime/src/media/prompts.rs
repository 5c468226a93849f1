//! Prompts: `say` rendered by the espeak-ng program and `play` of WAV
//! files, each turned into 8 kHz 16-bit audio once and shared by every call.
//!
//! Speech is cached in memory and on disk (`prompt_cache_dir`), keyed by
//! the espeak-ng voice and the text, so a restart does not render again.
//! A cache file is named by a hash of its key and has the key beside it
//! (`NAME.key`), which is compared on load, so a hash collision can never
//! play the wrong words. Files are cached in memory by path.
//!
//! Rendering runs a program and reads files: callers on the async runtime
//! use [`Prompts::cached_say`] / [`Prompts::cached_play`] first and render
//! off the runtime's threads (`spawn_blocking`) only on a miss.

use super::audio;
use crate::vm::Voice;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use super::clip::Audio;
pub use super::clip::Clip;

/// Bump when rendering changes (resampler, espeak options): old cache
/// files are then simply not found.
const RENDER_VERSION: &str = "v1";
/// Longest text spoken in one `say` (a prompt, not a book).
pub const MAX_SAY_CHARS: usize = 4_096;

pub struct Prompts {
    espeak: String,
    default_voice: String,
    cache_dir: PathBuf,
    audio_dir: PathBuf,
    /// espeak-ng's voices: language codes and names, lower case.
    voices: Vec<String>,
    speech: Mutex<HashMap<String, Clip>>,
    files: Mutex<HashMap<PathBuf, Clip>>,
    beep: Clip,
}

/// What a `say` needs rendered.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SayKey {
    /// The espeak-ng voice argument (`en-us`, `en-us+f3`).
    pub voice: String,
    pub text: String,
}

impl Prompts {
    /// Check that espeak-ng runs and read its voices; create the cache
    /// directory. Errors are for people: they say what to install or set.
    pub fn new(espeak: &str, default_voice: &str, cache_dir: &Path, audio_dir: &Path) -> Result<Prompts, String> {
        let mut prompts = Prompts::without_speech(audio_dir);
        let output = Command::new(espeak)
            .arg("--voices")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| {
                format!("cannot run `{espeak}` ({e}): `say` needs espeak-ng (Debian: apt-get install espeak-ng), or set `espeak` in callflow.toml")
            })?;
        if !output.status.success() {
            return Err(format!(
                "`{espeak} --voices` failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        let mut voices = Vec::new();
        for line in String::from_utf8_lossy(&output.stdout).lines().skip(1) {
            // Pty Language Age/Gender VoiceName File Other-languages
            let cols: Vec<&str> = line.split_whitespace().collect();
            for col in [cols.get(1), cols.get(3), cols.get(4)].into_iter().flatten() {
                voices.push(col.to_ascii_lowercase());
                if let Some((_, last)) = col.rsplit_once('/') {
                    voices.push(last.to_ascii_lowercase());
                }
            }
        }
        std::fs::create_dir_all(cache_dir)
            .map_err(|e| format!("cannot create the prompt cache `{}`: {e}", cache_dir.display()))?;
        prompts.espeak = espeak.to_string();
        prompts.default_voice = default_voice.to_ascii_lowercase();
        prompts.cache_dir = cache_dir.to_path_buf();
        prompts.voices = voices;
        if !prompts.has_voice(&prompts.default_voice) {
            return Err(format!(
                "espeak-ng has no voice `{default_voice}` (see `{espeak} --voices`); set `voice` in callflow.toml"
            ));
        }
        Ok(prompts)
    }

    /// Prompts for a flow that never says anything: files only, no
    /// espeak-ng needed (every `say` is an error).
    pub fn without_speech(audio_dir: &Path) -> Prompts {
        Prompts {
            espeak: String::new(),
            default_voice: String::new(),
            cache_dir: PathBuf::new(),
            audio_dir: audio_dir.to_path_buf(),
            voices: Vec::new(),
            speech: Mutex::new(HashMap::new()),
            files: Mutex::new(HashMap::new()),
            beep: beep(),
        }
    }

    fn has_voice(&self, name: &str) -> bool {
        let base = name.split('+').next().unwrap_or(name);
        self.voices.iter().any(|v| v == base)
    }

    /// The espeak-ng voice for a `say`'s voice and language: the language
    /// tag in lower case (`en-US` → `en-us`, else its first part `sw-KE` →
    /// `sw`), or the configured voice; `female` adds espeak's `+f3` variant.
    /// A named voice must be one of espeak-ng's.
    pub fn voice_for(&self, voice: Option<&Voice>, language: Option<&str>) -> Result<String, String> {
        if let Some(Voice::Named(name)) = voice {
            let name = name.to_ascii_lowercase();
            return match self.has_voice(&name) {
                true => Ok(name),
                false => Err(format!("espeak-ng has no voice `{name}`")),
            };
        }
        let base = match language {
            None => self.default_voice.clone(),
            Some(tag) => {
                let tag = tag.to_ascii_lowercase().replace('_', "-");
                let primary = tag.split('-').next().unwrap_or("").to_string();
                if self.has_voice(&tag) {
                    tag
                } else if self.has_voice(&primary) {
                    primary
                } else {
                    return Err(format!("espeak-ng has no voice for the language `{tag}`"));
                }
            }
        };
        Ok(match voice {
            Some(Voice::Female) => format!("{base}+f3"),
            _ => base,
        })
    }

    pub fn say_key(&self, text: &str, voice: Option<&Voice>, language: Option<&str>) -> Result<SayKey, String> {
        if self.espeak.is_empty() {
            return Err("`say` needs espeak-ng, which this server was started without".to_string());
        }
        if text.chars().count() > MAX_SAY_CHARS {
            return Err(format!("a `say` text longer than {MAX_SAY_CHARS} characters"));
        }
        Ok(SayKey {
            voice: self.voice_for(voice, language)?,
            text: text.to_string(),
        })
    }

    /// Speech already rendered, without blocking on anything but a lock.
    pub fn cached_say(&self, key: &SayKey) -> Option<Clip> {
        self.speech.lock().ok()?.get(&cache_key(key)).cloned()
    }

    /// Render (or load from the disk cache) a `say`. Blocking.
    pub fn say(&self, key: &SayKey) -> Result<Clip, String> {
        let k = cache_key(key);
        if let Some(clip) = self.speech.lock().ok().and_then(|m| m.get(&k).cloned()) {
            return Ok(clip);
        }
        let name = format!("{:016x}", fnv1a(k.as_bytes()));
        let wav = self.cache_dir.join(format!("{name}.wav"));
        let key_file = self.cache_dir.join(format!("{name}.key"));
        let cached = std::fs::read_to_string(&key_file)
            .ok()
            .filter(|stored| *stored == k)
            .and_then(|_| audio::read_wav(&wav).ok());
        let samples = match cached {
            Some(samples) => samples,
            None => {
                let samples = self.render(key)?;
                // Write the audio, then the key: a half-written pair is never
                // taken for a complete one (the key is compared on load).
                let tmp = self.cache_dir.join(format!("{name}.{}.tmp", std::process::id()));
                if audio::write_wav(&tmp, &samples).is_ok() && std::fs::rename(&tmp, &wav).is_ok() {
                    let _ = std::fs::write(&key_file, &k);
                }
                samples
            }
        };
        let clip: Clip = Arc::new(Audio::new(samples));
        if let Ok(mut m) = self.speech.lock() {
            m.insert(k, Arc::clone(&clip));
        }
        Ok(clip)
    }

    fn render(&self, key: &SayKey) -> Result<Vec<i16>, String> {
        use std::io::Write;
        let mut child = Command::new(&self.espeak)
            .args(["-v", &key.voice, "--stdout"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run `{}`: {e}", self.espeak))?;
        // The text goes on stdin, so nothing in it can be read as an option.
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(key.text.as_bytes())
                .map_err(|e| format!("espeak-ng: {e}"))?;
        }
        let output = child.wait_with_output().map_err(|e| format!("espeak-ng: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "espeak-ng failed for voice `{}`: {}",
                key.voice,
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        audio::wav_from_bytes(&output.stdout).map_err(|e| format!("espeak-ng's audio: {e}"))
    }

    /// The file a `play` source names: relative paths are under the audio
    /// directory. URLs are not files (the runtime refuses them at load).
    pub fn path_of(&self, source: &str) -> PathBuf {
        let path = Path::new(source);
        match path.is_absolute() {
            true => path.to_path_buf(),
            false => self.audio_dir.join(path),
        }
    }

    pub fn cached_play(&self, source: &str) -> Option<Clip> {
        self.files.lock().ok()?.get(&self.path_of(source)).cloned()
    }

    /// Load (once) a WAV file for `play`. Blocking.
    pub fn play(&self, source: &str) -> Result<Clip, String> {
        let path = self.path_of(source);
        if let Some(clip) = self.files.lock().ok().and_then(|m| m.get(&path).cloned()) {
            return Ok(clip);
        }
        let clip: Clip = Arc::new(Audio::new(audio::read_wav(&path)?));
        if let Ok(mut m) = self.files.lock() {
            m.insert(path, Arc::clone(&clip));
        }
        Ok(clip)
    }

    /// The tone before a `record … beep`.
    pub fn beep(&self) -> Clip {
        Arc::clone(&self.beep)
    }
}

fn cache_key(key: &SayKey) -> String {
    format!("{RENDER_VERSION}\n{}\n{}", key.voice, key.text)
}

/// FNV-1a, 64 bits: stable across Rust versions (unlike `DefaultHasher`),
/// which a file name on disk needs.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// 250 ms of 1 kHz at −12 dBFS, with 5 ms ramps so it does not click.
fn beep() -> Clip {
    let n = 2_000usize;
    let samples = (0..n)
        .map(|i| {
            let ramp = (i.min(n - 1 - i) as f32 / 40.0).min(1.0);
            let v = 8_000.0 * ramp * (2.0 * std::f32::consts::PI * 1_000.0 * i as f32 / 8_000.0).sin();
            v as i16
        })
        .collect::<Vec<_>>();
    Arc::new(Audio::new(samples))
}

#[cfg(test)]
mod tests;
