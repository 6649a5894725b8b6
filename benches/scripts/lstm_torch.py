"""PyTorch CPU twin of benches/benches/forecast_lstm.rs: the same LSTM trained the same way.

Airline series, log + seasonal difference 12, standardised; windows of 24 lags -> next value
(108 rows); nn.LSTM(1, 16) + nn.Linear(16, 1); full-batch Adam lr 0.01; 100 epochs; float32.
Prints the median of REPEATS training times (seconds).

Run: /tmp/lstm-venv/bin/python benches/scripts/lstm_torch.py [REPEATS] [THREADS]
"""
import csv
import math
import statistics
import sys
import time

import torch

REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 7
if len(sys.argv) > 2:
    torch.set_num_threads(int(sys.argv[2]))
PATH = "../shared/data/timeseries/airline_passengers.csv"

with open(PATH) as f:
    y = [float(r["passengers"]) for r in csv.DictReader(f)]
w = [math.log(v) for v in y]
z = [w[t] - w[t - 12] for t in range(12, len(w))]
m = sum(z) / len(z)
s = math.sqrt(sum((v - m) ** 2 for v in z) / len(z))
z = [(v - m) / s for v in z]
W = 24
X = torch.tensor([z[o - W:o] for o in range(W, len(z))], dtype=torch.float32).unsqueeze(-1)
Y = torch.tensor([[z[o]] for o in range(W, len(z))], dtype=torch.float32)


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(1, 16, batch_first=True)
        self.head = torch.nn.Linear(16, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1, :])


def train():
    torch.manual_seed(42)
    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    for _ in range(100):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(net(X), Y)
        loss.backward()
        opt.step()
    return loss.item()


train()  # warm-up
times = []
for _ in range(REPEATS):
    t0 = time.perf_counter()
    loss = train()
    times.append(time.perf_counter() - t0)
print(f"rows={X.shape[0]} threads={torch.get_num_threads()} final_mse={loss:.4f} "
      f"median_s={statistics.median(times):.4f} all={[round(t, 4) for t in times]}")
