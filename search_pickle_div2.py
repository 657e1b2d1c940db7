import pickle, warnings
import numpy as np
from sklearn_lr import SGDNetClassifier, SGDNetRegressor
warnings.simplefilter("ignore")
for seed in range(500):
    rng = np.random.RandomState(seed)
    X = rng.randn(10, 2); y = rng.randn(10)
    lr = float(f"{10 ** rng.uniform(-1, 2):.2g}")
    est = SGDNetRegressor((2,), learning_rate=lr, momentum=0.0, max_iter=1, shuffle=False, random_state=0, batch_size=10)
    est.fit(X, y)
    if est.divergence_epoch_ is not None: continue
    loaded = pickle.loads(pickle.dumps(est))
    est.partial_fit(X, y); loaded.partial_fit(X, y)
    if not np.array_equal(est.coefs_[0], loaded.coefs_[0]):
        print(seed, lr, est.divergence_epoch_, loaded.divergence_epoch_); break
