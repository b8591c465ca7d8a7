"""Flask extensions, created unbound and initialised in the app factory."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from quizapp.database import Base

# Objects stay loaded after the commit: a page rendered or a redirect built after it reads them
# without loading them again.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# In memory by default; RATELIMIT_STORAGE_URI (e.g. redis://...) shares counts between workers.
limiter = Limiter(get_remote_address)
