# R side of the auto-ARIMA comparison (docs/benchmarks.md, "forecast"): forecast::auto.arima with
# its defaults on each of the 100 generated retail series minus its last 12 months, a 12-step
# forecast, sMAPE on the held-out months; prints one line per series (model, seconds) and the total.
# R 4.2.2 + forecast 8.20 (Debian: apt-get install r-cran-forecast).
#   Rscript benches/r/auto_arima_retail.R RETAIL.csv > r_models.txt
# RETAIL.csv from `cargo run --release -p custalyze-benches --example auto_arima_retail -- RETAIL.csv`.
suppressMessages(library(forecast))
df <- read.csv(commandArgs(trailingOnly = TRUE)[1])
smape <- function(a, f) mean(ifelse(abs(a) + abs(f) == 0, 0, 2 * abs(a - f) / (abs(a) + abs(f)))) * 100
total <- 0
scores <- c()
for (id in sort(unique(df$unique_id))) {
  y <- df$y[df$unique_id == id]
  n <- length(y)
  train <- ts(y[1:(n - 12)], frequency = 12)
  t0 <- proc.time()[["elapsed"]]
  fit <- auto.arima(train)
  fc <- forecast(fit, h = 12)$mean
  dt <- proc.time()[["elapsed"]] - t0
  total <- total + dt
  s <- smape(y[(n - 11):n], fc)
  scores <- c(scores, s)
  cat(sprintf("%s %s %.4f %.3f\n", id, gsub(" ", "_", as.character(fit)), dt, s))
}
cat(sprintf("total %.3f s, mean sMAPE %.4f\n", total, mean(scores)))
