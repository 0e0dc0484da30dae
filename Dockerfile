FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gettext fonts-dejavu-core fonts-wqy-zenhei && rm -rf /var/lib/apt/lists/*
COPY . .
RUN pip install --no-cache-dir -e . \
 && DJANGO_SECRET_KEY=build DJANGO_ALLOWED_HOSTS=* python manage.py collectstatic --noinput --settings=config.settings.production
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--config", "gunicorn.conf.py"]
