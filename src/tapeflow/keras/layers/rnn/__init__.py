"""Recurrent layers: cells, the RNN wrapper, SimpleRNN/GRU/LSTM, Bidirectional, ConvLSTM."""
